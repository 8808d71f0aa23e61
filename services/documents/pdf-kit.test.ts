import { readFileSync } from 'node:fs';
import { FieldChecks, displayDate, displayDateTimeUtc, displayLocalDate, renderPdf, type DocumentPage, type PdfOptions } from './pdf-kit';
import { ARABIC_CAPABLE_FONT, drawnGlyphRuns, drawnText, embedsAFont, infoEntry } from './pdf-test-support';

const LAYOUT = { margin: 50, valueX: 260, sectionGap: 0.8, sectionSize: 11, labelSize: 9, valueSize: 10.5 };
const INFO = { Title: 'Pièce N-1', Author: 'Consulat général à Paris (CG-PARIS)', CreationDate: new Date('2026-01-15T09:30:00Z') };

/** A small document with every block of the kit, a Latin and an Arabic name. */
function sample(options: PdfOptions, familyNameAr?: string): Promise<Buffer> {
  return renderPdf(LAYOUT, INFO, { compress: false, ...options }, (page: DocumentPage) => {
    page.header('Services consulaires — Consulat général à Paris (CG-PARIS)');
    page.title({ title: 'Pièce', subtitle: 'Document', arabicTitle: 'وثيقة', number: 'N-1', gapBefore: 1 });
    page.section('Titulaire / Holder');
    page.row('Nom / Family name', 'EL FASSI');
    page.arabicRow('Nom (arabe) / Family name (Arabic)', familyNameAr);
    page.note(['Texte.', 'Text.'], { before: 1, between: 0.5 });
    page.signOff('Délivrée le / Issued on 15/01/2026', { gapBefore: 1, caption: 'Signature' });
  });
}

describe('pdf kit: the blocks every consular document shares', () => {
  it('draws the Arabic title and an Arabic value in the given Arabic font, right to left, beside the Latin text', async () => {
    const pdf = await sample({ arabicFont: readFileSync(ARABIC_CAPABLE_FONT) }, 'الفاسي');
    expect(embedsAFont(pdf)).toBe(true);
    const runs = drawnGlyphRuns(pdf);
    // The glyphs are laid out left to right on the page: a right-to-left word reads reversed here.
    expect(runs).toContain([...'الفاسي'].reverse().join(''));
    expect(runs).toContain([...'وثيقة'].reverse().join(''));
    const text = drawnText(pdf);
    for (const expected of ['Services consulaires', 'N° N-1', 'Titulaire / Holder', 'EL FASSI', 'Family name (Arabic)', 'Text.', 'Issued on 15/01/2026', 'Signature']) {
      expect(text).toContain(expected);
    }
  });

  it('leaves the Arabic lines out without an Arabic font: the rest stays readable, no garbage in Helvetica', async () => {
    const pdf = await sample({}, 'الفاسي');
    expect(embedsAFont(pdf)).toBe(false);
    const text = drawnText(pdf);
    expect(text).not.toContain('Family name (Arabic)');
    for (const expected of ['N° N-1', 'Nom / Family name', 'EL FASSI', 'Texte.', 'Issued on 15/01/2026']) expect(text).toContain(expected);
  });

  it('leaves an Arabic row out when there is no Arabic value, even with the font', async () => {
    const text = drawnText(await sample({ arabicFont: readFileSync(ARABIC_CAPABLE_FONT) }));
    expect(text).not.toContain('Family name (Arabic)');
    expect(text).toContain('EL FASSI');
  });

  it('puts the given info in the document and renders the same input to the same bytes', async () => {
    const [a, b] = await Promise.all([sample({ compress: true }), sample({ compress: true })]);
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.equals(b)).toBe(true);
    const raw = await sample({});
    expect(infoEntry(raw, 'Title')).toBe('Pièce N-1');
    expect(infoEntry(raw, 'Author')).toBe('Consulat général à Paris (CG-PARIS)');
  });

  it('shows dates as dd/MM/yyyy, instants in UTC, the issue date at the post, and anything else as given', () => {
    expect(displayDate('1990-04-12')).toBe('12/04/1990');
    expect(displayDate('12/04/1990')).toBe('12/04/1990');
    expect(displayDateTimeUtc('2026-01-15T10:30:00+01:00')).toBe('15/01/2026 09:30 UTC');
    expect(displayDateTimeUtc('tomorrow')).toBe('tomorrow');
    expect(displayLocalDate(new Date('2026-01-15T23:30:00Z'), 'Europe/Paris')).toBe('16/01/2026');
    expect(displayLocalDate(new Date('2026-01-15T23:30:00Z'), undefined)).toBe('15/01/2026');
    expect(displayLocalDate(new Date('2026-01-15T23:30:00Z'), 'Mars/Olympus')).toBe('15/01/2026');
  });

  it('collects every input error in order and throws them at once, naming the fields and the document', () => {
    const check = () => new FieldChecks()
      .required([['/number', ''], ['/post/code', 'CG-PARIS'], ['/holder/familyName', undefined]])
      .dateTime('/issuedAt', 'yesterday')
      .date('/validUntil', '10/01/2032')
      .check(false, '/outcome/servedOn', 'is required when the document was served')
      .throwIfAny('the card');
    expect(check).toThrow(expect.objectContaining({
      code: 'VALIDATION_FAILED', message: 'the card cannot be rendered',
      errors: [{ path: '/number', message: 'is required' }, { path: '/holder/familyName', message: 'is required' },
        { path: '/issuedAt', message: 'must be an ISO 8601 date-time' }, { path: '/validUntil', message: 'must be a date yyyy-MM-dd' },
        { path: '/outcome/servedOn', message: 'is required when the document was served' }],
    }));
    expect(() => new FieldChecks().required([['/number', 'N-1']]).dateTime('/issuedAt', '2026-01-15T09:30:00Z').throwIfAny('the card')).not.toThrow();
  });
});
