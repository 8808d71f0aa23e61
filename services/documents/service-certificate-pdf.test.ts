import { renderServiceCertificate, type ServiceCertificateInput } from './service-certificate-pdf';
import { drawnText } from './pdf-test-support';

const served: ServiceCertificateInput = {
  certificateNumber: 'CS-JUD-PAR-2026-000001', madeAt: '2026-11-30T10:15:00Z',
  post: { code: 'CG-PARIS', name: 'Consulat général à Paris', timeZone: 'Europe/Paris' },
  request: { pliId: 'PLI-2026-0001-001', caseNumber: '2026/1201/45', court: 'Tribunal de première instance de Rabat', nature: 'judicial',
    summary: 'Assignation à comparaître', documents: ['PLI-2026-0001-001_acte.pdf'] },
  addressee: { familyName: 'EL FASSI', givenNames: 'Amina', address: '12 rue de la Roquette, 75011 Paris, FRA' },
  outcome: { result: 'served-simple-delivery', servedOn: '2026-11-30', place: 'Consulat général à Paris', deliveredTo: { name: 'Amina EL FASSI', capacity: 'addressee' } },
  agent: 'agent-paris',
};

describe('certificate of service (Hague Convention 1965, article 6)', () => {
  it('states the request, the addressee, and how, when, where and to whom the document was served', async () => {
    const text = drawnText(await renderServiceCertificate(served, { compress: false }));
    for (const expected of ['ATTESTATION / CERTIFICATE', 'article 6', 'PLI-2026-0001-001', '2026/1201/45', 'Tribunal de premi', 'EL FASSI Amina',
      '30/11/2026', 'Consulat g', 'remise simple', 'Amina EL FASSI', 'le destinataire', 'CS-JUD-PAR-2026-000001']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain("n'a pas été exécutée");
  });

  it('states why a document was not served, with the facts', async () => {
    const text = drawnText(await renderServiceCertificate({ ...served, outcome: { result: 'not-served', notServedReason: 'deceased', facts: 'Décès le 20/11/2026 à Madrid' } }, { compress: false }));
    expect(text).toContain('destinataire d');
    expect(text).toContain('20/11/2026 ');
    expect(text).not.toContain('Remis ');
  });

  it('renders the same bytes for the same input (the creation date is the record time, not the clock)', async () => {
    const a = await renderServiceCertificate(served);
    const b = await renderServiceCertificate(served);
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.equals(b)).toBe(true);
  });

  it('refuses a served outcome without a date, naming the field', async () => {
    await expect(renderServiceCertificate({ ...served, outcome: { result: 'served-legal-forms' } }))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: expect.arrayContaining([{ path: '/outcome/servedOn', message: 'is required when the document was served' }]) });
  });
});
