/**
 * The submission the bench sends: a licence authentication for the demo person Amina EL FASSI (DESIGN.md §4a),
 * the same body as `licenceRequest(amina)` in test/support/demo.ts.
 */
export const aminaLicenceRequest = {
  service: 'licence-authentication',
  post: 'CG-PARIS',
  applicant: { familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12', cnie: 'BK123456', email: 'amina@example.org' },
  data: {
    licenceNumber: '12/345678',
    holder: { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' },
    purpose: 'licence-exchange',
    destinationCountry: 'FRA',
  },
};
