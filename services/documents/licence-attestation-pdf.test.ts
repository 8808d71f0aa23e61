import { existsSync, readFileSync } from 'node:fs';
import { renderLicenceAttestation, type LicenceAttestationInput } from './licence-attestation-pdf';

const amina: LicenceAttestationInput = {
  attestationNumber: 'ATT-CG-PARIS-2026-000123',
  issuedAt: '2026-01-15T23:30:00Z',
  post: { code: 'CG-PARIS', name: 'Consulat général à Paris', timeZone: 'Europe/Paris' },
  holder: { familyName: 'EL FASSI', givenNames: 'Amina', familyNameAr: 'الفاسي', givenNamesAr: 'أمينة', birthDate: '1990-04-12' },
  licence: { number: '12/345678', categories: ['B'], issuedOn: '2019-03-04', expiresOn: '2029-03-04', status: 'valid' },
  verification: { reference: 'MSG-01HV8Z6T3K9Q', verifiedAt: '2026-01-15T09:30:00.000Z' },
  destinationCountry: 'FR',
  purpose: 'Échange du permis de conduire',
};

/**
 * The text drawn with the standard fonts, one string per text operation: pdfkit writes it as hex
 * strings in TJ arrays (split where kerning applies), in WinAnsi, which matches latin1 for our text.
 */
function drawnText(pdf: Buffer): string[] {
  const content = pdf.toString('latin1');
  // [^[\]]* rather than a nested pattern: it stays linear over the binary font data of the file.
  return [...content.matchAll(/\[([^[\]]*)\] TJ/g)].map(([, array]) =>
    [...array.matchAll(/<([0-9a-f]*)>/gi)].map(([, hex]) => Buffer.from(hex, 'hex').toString('latin1')).join(''));
}

/**
 * Text drawn with the embedded (Arabic) font: 4-hex-digit glyph ids, mapped back to characters with
 * the font's ToUnicode CMap (pdfkit writes it as bfranges of consecutive subset glyph ids).
 */
function drawnGlyphText(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const toUnicode = new Map<number, string>();
  for (const [, start, entries] of raw.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi)) {
    [...entries.matchAll(/<([0-9a-f ]+)>/gi)].forEach(([, units], i) => {
      toUnicode.set(parseInt(start, 16) + i, String.fromCharCode(...units.split(' ').map((u) => parseInt(u, 16))));
    });
  }
  return [...raw.matchAll(/\[([^[\]]*)\] TJ/g)].map(([, array]) =>
    [...array.matchAll(/<([0-9a-f]*)>/gi)].flatMap(([, hex]) => hex.match(/.{4}/g) ?? []).map((id) => toUnicode.get(parseInt(id, 16)) ?? '').join(''));
}

/** A string of the document info dictionary: an indirect object, a literal holding UTF-16BE (with BOM) or PDFDocEncoding. */
function infoEntry(pdf: Buffer, key: string): string | undefined {
  const raw = pdf.toString('latin1');
  const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(raw)?.[1];
  const literal = ref && new RegExp(`\\n${ref} 0 obj\\n\\(([\\s\\S]*?)\\)\\nendobj`).exec(raw)?.[1];
  if (!literal) return undefined;
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
  const bytes = Buffer.from(literal.replace(/\\([nrtbf()\\])/g, (_m, c: string) => escapes[c] ?? c), 'latin1');
  return bytes[0] === 0xfe && bytes[1] === 0xff ? bytes.subarray(2).swap16().toString('utf16le') : bytes.toString('latin1');
}

describe('licence attestation PDF', () => {
  it('is a PDF whose text carries the attestation number, the verification reference and the holder', async () => {
    const pdf = await renderLicenceAttestation(amina, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = drawnText(pdf).join('\n');
    expect(text).toContain('N° ATT-CG-PARIS-2026-000123');
    expect(text).toContain('MSG-01HV8Z6T3K9Q');
    expect(text).toContain('EL FASSI');
    expect(text).toContain('12/345678');
    expect(text).toContain('12/04/1990');
    expect(text).toContain('France (FR)');
    expect(text).toContain('15/01/2026 09:30 UTC');
    // 23:30 UTC is already the 16th in Paris: the issue date is the post's.
    expect(text).toContain('Délivrée le / Issued on 16/01/2026');
  });

  it('puts the title and the attestation number in the document info', async () => {
    const pdf = await renderLicenceAttestation(amina, { compress: false });
    expect(infoEntry(pdf, 'Title')).toBe("Attestation d'authenticité de permis de conduire ATT-CG-PARIS-2026-000123");
    expect(infoEntry(pdf, 'Subject')).toBe('Attestation ATT-CG-PARIS-2026-000123 — vérification MSG-01HV8Z6T3K9Q');
  });

  it('renders the same input to the same bytes (an issued document can be re-rendered and hashed)', async () => {
    const [first, second] = await Promise.all([renderLicenceAttestation(amina), renderLicenceAttestation(amina)]);
    expect(first.equals(second)).toBe(true);
  });

  it('leaves the Arabic lines out without an Arabic font, rather than draw garbage in Helvetica', async () => {
    const pdf = await renderLicenceAttestation(amina, { compress: false });
    expect(drawnText(pdf).join('\n')).not.toContain('Family name (Arabic)');
    expect(pdf.toString('latin1')).not.toContain('/FontFile2');
  });

  const arabicCapableFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  (existsSync(arabicCapableFont) ? it : it.skip)('draws the Arabic names in the given Arabic font, laid out right to left', async () => {
    const pdf = await renderLicenceAttestation(amina, { compress: false, arabicFont: readFileSync(arabicCapableFont) });
    expect(pdf.toString('latin1')).toContain('/FontFile2');
    expect(drawnText(pdf).join('\n')).toContain('Family name (Arabic)');
    // Through the embedded font's ToUnicode map: the glyphs are laid out left to right on the page,
    // so a right-to-left name reads reversed here.
    const arabicRuns = drawnGlyphText(pdf);
    expect(arabicRuns).toContain([...'الفاسي'].reverse().join(''));
    expect(arabicRuns).toContain([...'أمينة'].reverse().join(''));
  });

  it('fits on one page', async () => {
    const pdf = await renderLicenceAttestation({ ...amina, purpose: 'Échange du permis de conduire marocain contre un permis français, '.repeat(3) }, { compress: false });
    expect(pdf.toString('latin1').match(/\/Type \/Page\n/g)).toHaveLength(1);
  });

  it('refuses an input it cannot render, naming the fields', async () => {
    await expect(renderLicenceAttestation({ ...amina, attestationNumber: '', issuedAt: 'yesterday' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: '/attestationNumber', message: 'is required' }, { path: '/issuedAt', message: 'must be an ISO 8601 date-time' }],
    });
  });
});
