import { renderRegistrationCard, type RegistrationCardInput } from './registration-card-pdf';
import { drawnText } from './pdf-test-support';

const youssef: RegistrationCardInput = {
  number: 'REG-BRU-2019-000042',
  issuedAt: '2026-11-30T23:30:00Z',
  post: { code: 'CG-BRUXELLES', name: 'Consulat général à Bruxelles', timeZone: 'Europe/Brussels' },
  person: { cnie: 'AB987654', familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-03' },
  residence: { line1: 'Rue de la Loi 42', postalCode: '1040', city: 'Bruxelles', country: 'BEL' },
  household: [{ relationship: 'spouse', familyName: 'BENANI', givenNames: 'Leila', birthDate: '1979-06-21' }],
  profession: 'Ingénieur',
  registeredOn: '2019-03-18',
  validUntil: '2032-01-10',
};

describe('registration card PDF', () => {
  it('carries the registration number, the holder, the residence, the household and the validity', async () => {
    const pdf = await renderRegistrationCard(youssef, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = drawnText(pdf);
    for (const expected of ['N° REG-BRU-2019-000042', 'BENANI', 'Youssef', '03/11/1975', 'AB987654', 'Ingénieur', 'Rue de la Loi 42',
      '1040 Bruxelles', 'Belgique (BEL)', 'Leila', 'Conjoint / Spouse', '18/03/2019', '10/01/2032']) {
      expect(text).toContain(expected);
    }
    // 23:30 UTC on the 30th is already 1 December in Brussels: the issue date is the post's.
    expect(text).toContain('Délivrée le / Issued on 01/12/2026');
  });

  it('renders the same input to the same bytes', async () => {
    const [a, b] = await Promise.all([renderRegistrationCard(youssef), renderRegistrationCard(youssef)]);
    expect(a.equals(b)).toBe(true);
  });

  it('leaves the household section out when there is nobody in it', async () => {
    const text = drawnText(await renderRegistrationCard({ ...youssef, household: [] }, { compress: false }));
    expect(text).not.toContain('Household members');
    expect(text).toContain('N° REG-BRU-2019-000042');
  });

  it('refuses an input it cannot render, naming the fields', async () => {
    await expect(renderRegistrationCard({ ...youssef, number: '', validUntil: '10/01/2032' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: '/number', message: 'is required' }, { path: '/validUntil', message: 'must be a date yyyy-MM-dd' }],
    });
  });
});
