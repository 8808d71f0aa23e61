/**
 * The NARSA sandbox's licence register: the demo people of DESIGN.md §4a plus one licence per
 * remaining status, so every branch of the hub's handling can be reached by hand or in a test.
 * Documented in sandbox/README.md; keep the two in step.
 *
 * Types are the agency's own (narsa.md), written here independently of mappings/: the sandbox
 * is the other side of the wire.
 */

export type Statut = 'VALIDE' | 'SUSPENDU' | 'ANNULE' | 'EXPIRE' | 'REMPLACE';
export type CodeCategorie = 'AM' | 'A1' | 'A' | 'B' | 'C' | 'D' | 'EB' | 'EC' | 'ED';

export interface Categorie {
  code: CodeCategorie;
  dateObtention: string;
  dateExpiration?: string;
  restrictions: string[];
}

export interface Titulaire {
  cnie: string;
  nom: string;
  prenom: string;
  nomArabe?: string;
  prenomArabe?: string;
  dateNaissance: string;
}

export interface Permis {
  numero: string;
  titulaire: Titulaire;
  dateDelivrance: string;
  dateExpiration: string;
  statut: Statut;
  categories: Categorie[];
  centreEmetteur: string;
}

const AMINA: Titulaire = {
  cnie: 'BK123456', nom: 'EL FASSI', prenom: 'Amina', nomArabe: 'الفاسي', prenomArabe: 'أمينة', dateNaissance: '1990-04-12',
};
const YOUSSEF: Titulaire = {
  cnie: 'AB987654', nom: 'BENANI', prenom: 'Youssef', nomArabe: 'بناني', prenomArabe: 'يوسف', dateNaissance: '1975-11-03',
};
// No Arabic spelling on file: exercises the optional fields.
const KARIM: Titulaire = { cnie: 'EE246810', nom: 'ZIANI', prenom: 'Karim', dateNaissance: '1982-07-19' };
const SALMA: Titulaire = {
  cnie: 'GH135790', nom: 'BERRADA', prenom: 'Salma', nomArabe: 'برادة', prenomArabe: 'سلمى', dateNaissance: '1995-01-30',
};
const OMAR: Titulaire = {
  cnie: 'JK864209', nom: 'CHRAIBI', prenom: 'Omar', nomArabe: 'الشرايبي', prenomArabe: 'عمر', dateNaissance: '1968-09-05',
};

export const PERMIS: readonly Permis[] = deepFreeze([
  {
    numero: '12/345678', titulaire: AMINA, dateDelivrance: '2022-06-15', dateExpiration: '2032-06-14', statut: 'VALIDE',
    categories: [{ code: 'B', dateObtention: '2012-06-15', restrictions: [] }],
    centreEmetteur: 'RABAT',
  },
  {
    numero: '07/112233', titulaire: YOUSSEF, dateDelivrance: '2019-09-10', dateExpiration: '2029-09-09', statut: 'SUSPENDU',
    categories: [
      { code: 'A', dateObtention: '2007-03-20', restrictions: [] },
      { code: 'B', dateObtention: '2007-03-20', restrictions: ['01'] },
    ],
    centreEmetteur: 'CASABLANCA',
  },
  {
    numero: '03/556677', titulaire: KARIM, dateDelivrance: '2013-03-10', dateExpiration: '2023-03-09', statut: 'EXPIRE',
    categories: [{ code: 'B', dateObtention: '2003-05-02', restrictions: [] }],
    centreEmetteur: 'FES',
  },
  {
    // A '-' in the number, and an expiry date still ahead: the status, not the date, says it is void.
    numero: '15-998877', titulaire: SALMA, dateDelivrance: '2025-10-01', dateExpiration: '2035-09-30', statut: 'ANNULE',
    categories: [{ code: 'B', dateObtention: '2015-10-01', restrictions: [] }],
    centreEmetteur: 'MARRAKECH',
  },
  {
    numero: '98/445566', titulaire: OMAR, dateDelivrance: '2008-02-14', dateExpiration: '2018-02-13', statut: 'REMPLACE',
    categories: [{ code: 'B', dateObtention: '1998-04-01', restrictions: [] }],
    centreEmetteur: 'TANGER',
  },
  {
    // The licence that replaced 98/445566: same holder, a professional category with its own expiry.
    numero: '21/445566', titulaire: OMAR, dateDelivrance: '2021-05-20', dateExpiration: '2031-05-19', statut: 'VALIDE',
    categories: [
      { code: 'B', dateObtention: '1998-04-01', restrictions: [] },
      { code: 'C', dateObtention: '2021-05-20', dateExpiration: '2031-05-19', restrictions: ['01', '78'] },
    ],
    centreEmetteur: 'TANGER',
  },
]);

const BY_NUMERO = new Map(PERMIS.map((permis) => [permis.numero, permis]));

/** Licence numbers are opaque: matched exactly as received, case and punctuation included. */
export function findPermis(numero: string): Permis | undefined {
  return BY_NUMERO.get(numero);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
