import { renderLaissezPasser, type LaissezPasserInput } from './laissez-passer-pdf';
import { drawnText } from './pdf-test-support';

const khadija: LaissezPasserInput = {
  number: 'LPM-REP-MAD-2026-000001',
  issuedAt: '2026-11-22T16:00:00Z',
  post: { code: 'CG-MADRID', name: 'Consulat général à Madrid', timeZone: 'Europe/Madrid' },
  deceased: { familyName: 'ALAOUI', givenNames: 'Khadija', familyNameAr: 'العلوي', givenNamesAr: 'خديجة', birthDate: '1948-02-20', birthPlace: 'Fès' },
  death: { date: '2026-11-20', place: 'Madrid (ESP)' },
  coffin: { hermetic: true, seal: 'SC-MAD-0042', closedOn: '2026-11-22' },
  transport: { mode: 'air', carrier: 'Royal Air Maroc', flightOrVoyage: 'AT971', departureAt: '2026-11-24T09:05:00Z', borderPost: 'FEZ', expectedArrivalAt: '2026-11-24T13:30:00Z', escorts: ['Hassan ALAOUI'] },
  destination: { commune: 'Fès-Médina (351041)', cemetery: 'Bab Ftouh', country: 'Maroc / Morocco' },
  clearances: [{ agency: 'Burial authorisation', reference: 'AI-351041-2026-00001' }, { agency: 'Sanitary clearance', reference: 'DEC-2026-000001' }],
};

describe('mortuary laissez-passer PDF (Strasbourg agreement 1973 fields)', () => {
  it('carries the number, the deceased, the death, the transport, the destination and the issuing post', async () => {
    const pdf = await renderLaissezPasser(khadija, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = drawnText(pdf);
    for (const expected of ['N° LPM-REP-MAD-2026-000001', 'ALAOUI', 'Khadija', '20/02/1948', 'Fès', '20/11/2026', 'Madrid (ESP)', 'SC-MAD-0042',
      'Royal Air Maroc', 'AT971', 'FEZ', '24/11/2026 13:30 UTC', 'Bab Ftouh', 'AI-351041-2026-00001', 'Consulat général à Madrid (CG-MADRID)', '22/11/2026']) {
      expect(text).toContain(expected);
    }
  });

  it('refuses to render without the fields the model requires, naming them', async () => {
    await expect(renderLaissezPasser({ ...khadija, number: '', destination: { ...khadija.destination, commune: '' } }))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '/number', message: 'is required' }, { path: '/destination/commune', message: 'is required' }] });
  });
});
