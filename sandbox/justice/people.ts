/**
 * Addressees of the generated judicial documents: the demo people of DESIGN.md §4a first, then
 * generated nationals living in the districts of the default posts (France; Belgium, Luxembourg;
 * Spain, Portugal; Canada; UAE, Oman) and some outside every district (HORS_CIRCONSCRIPTION).
 */

export interface Addressee {
  nom: string;
  prenom: string;
  nomArabe?: string;
  prenomArabe?: string;
  dateNaissance?: string;
  cnie?: string;
  adresse: { ligne1: string; ligne2?: string; codePostal: string; ville: string; pays: string };
}

/** The districts of the default posts (config/posts.json), as the Ministry would see them: countries only. */
export const DISTRICT_COUNTRIES: Readonly<Record<string, readonly string[]>> = {
  'CG-PARIS': ['FRA'],
  'CG-BRUXELLES': ['BEL', 'LUX'],
  'CG-MADRID': ['ESP', 'PRT'],
  'CG-MONTREAL': ['CAN'],
  'CG-DUBAI': ['ARE', 'OMN'],
};

export function postOf(country: string): string | undefined {
  return Object.entries(DISTRICT_COUNTRIES).find(([, countries]) => countries.includes(country))?.[0];
}

export const DEMO_ADDRESSEES: readonly Addressee[] = [
  { nom: 'EL FASSI', prenom: 'Amina', nomArabe: 'الفاسي', prenomArabe: 'أمينة', dateNaissance: '1990-04-12', cnie: 'BK123456',
    adresse: { ligne1: '12 rue de la Roquette', codePostal: '75011', ville: 'Paris', pays: 'FRA' } },
  { nom: 'BENANI', prenom: 'Youssef', nomArabe: 'بناني', prenomArabe: 'يوسف', dateNaissance: '1975-11-03', cnie: 'AB987654',
    adresse: { ligne1: 'Avenue Louise 231', ligne2: 'Boîte 4', codePostal: '1050', ville: 'Bruxelles', pays: 'BEL' } },
  // Deceased on 2026-11-20: a document addressed to her tests "not served, deceased".
  { nom: 'ALAOUI', prenom: 'Khadija', nomArabe: 'العلوي', prenomArabe: 'خديجة', dateNaissance: '1948-02-20', cnie: 'CD555111',
    adresse: { ligne1: 'Calle de Alcalá 120', codePostal: '28009', ville: 'Madrid', pays: 'ESP' } },
];

const FAMILY = [['BENJELLOUN', 'بنجلون'], ['TAZI', 'التازي'], ['CHRAIBI', 'الشرايبي'], ['IDRISSI', 'الإدريسي'], ['BERRADA', 'برادة'], ['ZIANI', 'الزياني'], ['SQALLI', 'السقالي']] as const;
const GIVEN = [['Omar', 'عمر'], ['Salma', 'سلمى'], ['Karim', 'كريم'], ['Nadia', 'نادية'], ['Hamza', 'حمزة'], ['Leila', 'ليلى'], ['Mehdi', 'المهدي'], ['Imane', 'إيمان']] as const;
/** Addresses by country; the last four are outside every post's district. */
const PLACES: ReadonlyArray<Addressee['adresse']> = [
  { ligne1: '8 quai Perrache', codePostal: '69002', ville: 'Lyon', pays: 'FRA' },
  { ligne1: 'Rue de la Gare 14', codePostal: '1611', ville: 'Luxembourg', pays: 'LUX' },
  { ligne1: 'Rua Augusta 50', codePostal: '1100-053', ville: 'Lisboa', pays: 'PRT' },
  { ligne1: '1200 boulevard Saint-Laurent', ligne2: 'App. 5', codePostal: 'H2X 2S6', ville: 'Montréal', pays: 'CAN' },
  { ligne1: 'Al Wasl Road, Villa 17', codePostal: '00000', ville: 'Dubai', pays: 'ARE' },
  { ligne1: 'Way 3021, House 44', codePostal: '112', ville: 'Muscat', pays: 'OMN' },
  { ligne1: 'Calle Mayor 3', codePostal: '08001', ville: 'Barcelona', pays: 'ESP' },
  { ligne1: 'Boulevard Anspach 60', codePostal: '1000', ville: 'Bruxelles', pays: 'BEL' },
  { ligne1: 'Torstraße 101', codePostal: '10119', ville: 'Berlin', pays: 'DEU' },
  { ligne1: '350 5th Avenue', codePostal: '10118', ville: 'New York', pays: 'USA' },
  { ligne1: 'Via Torino 21', codePostal: '20123', ville: 'Milano', pays: 'ITA' },
  { ligne1: 'Avenue Cheikh Anta Diop 9', codePostal: '10700', ville: 'Dakar', pays: 'SEN' },
];

/** The n-th addressee (0-based), deterministic: the three demo people, then generated ones. */
export function addressee(n: number): Addressee {
  if (n < DEMO_ADDRESSEES.length) return DEMO_ADDRESSEES[n];
  const i = n - DEMO_ADDRESSEES.length;
  const [nom, nomArabe] = FAMILY[i % FAMILY.length];
  const [prenom, prenomArabe] = GIVEN[(i * 3) % GIVEN.length];
  const year = 1950 + ((i * 7) % 50);
  const month = String(1 + (i % 12)).padStart(2, '0');
  const day = String(1 + ((i * 5) % 28)).padStart(2, '0');
  const withArabic = i % 4 !== 3; // the Ministry does not always have the Arabic spelling
  return {
    nom, prenom,
    ...(withArabic ? { nomArabe, prenomArabe } : {}),
    dateNaissance: `${year}-${month}-${day}`,
    ...(i % 5 !== 4 ? { cnie: `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i * 7) % 26))}${String(100000 + ((i * 7919) % 900000))}` } : {}),
    adresse: PLACES[i % PLACES.length],
  };
}
