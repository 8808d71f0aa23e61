/** The demo people of DESIGN.md §4a, as portal request bodies. */
export interface DemoPerson { applicant: Record<string, string>; licence: { licenceNumber: string; holder: { cnie: string; familyName: string; givenNames: string; birthDate: string }; purpose: string; destinationCountry: string } }

export const amina: DemoPerson = {
  applicant: { familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12', cnie: 'BK123456', email: 'amina@example.org' },
  licence: { licenceNumber: '12/345678', holder: { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' }, purpose: 'licence-exchange', destinationCountry: 'FRA' },
};

export const youssef: DemoPerson = {
  applicant: { familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-03', cnie: 'AB987654' },
  licence: { licenceNumber: '07/112233', holder: { cnie: 'AB987654', familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-03' }, purpose: 'licence-exchange', destinationCountry: 'BEL' },
};

export function licenceRequest(person: DemoPerson, post = 'CG-PARIS') {
  return { service: 'licence-authentication', post, applicant: person.applicant, data: person.licence };
}
