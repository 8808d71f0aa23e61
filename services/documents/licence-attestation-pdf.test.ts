import { readFileSync } from 'node:fs';
import { renderLicenceAttestation, type LicenceAttestationInput } from './licence-attestation-pdf';
import { ARABIC_CAPABLE_FONT, drawnGlyphRuns, drawnText, embedsAFont, infoEntry } from './pdf-test-support';

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

describe('licence attestation PDF', () => {
  it('is a PDF whose text carries the attestation number, the verification reference and the holder', async () => {
    const pdf = await renderLicenceAttestation(amina, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = drawnText(pdf);
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
    expect(drawnText(pdf)).not.toContain('Family name (Arabic)');
    expect(embedsAFont(pdf)).toBe(false);
  });

  it('draws the Arabic names in the given Arabic font, laid out right to left', async () => {
    const pdf = await renderLicenceAttestation(amina, { compress: false, arabicFont: readFileSync(ARABIC_CAPABLE_FONT) });
    expect(embedsAFont(pdf)).toBe(true);
    expect(drawnText(pdf)).toContain('Family name (Arabic)');
    // Through the embedded font's ToUnicode map: the glyphs are laid out left to right on the page,
    // so a right-to-left name reads reversed here.
    const arabicRuns = drawnGlyphRuns(pdf);
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
