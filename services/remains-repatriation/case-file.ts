/**
 * The request's data (as the portal validated it) turned into the canonical repatriation
 * (mappings/canonical/repatriation.schema.json) that the outbox carries to each agency. Every agency gets
 * the same canonical case; its binding's closed outbound mapping keeps only what its purpose needs (the
 * cause of death reaches Health only, the CNIE never reaches Health, …). Pure.
 */
export interface RepatriationData {
  declarant: { role: 'family-member' | 'funeral-operator'; relationship?: string };
  deceased: {
    familyName: string; givenNames: string; familyNameAr: string; givenNamesAr: string; birthDate: string; birthPlace: string;
    sex: 'female' | 'male'; cnie?: string; fatherGivenNames?: string; motherFullName?: string;
  };
  death: { date: string; country: string; city: string; cause: { sealed: boolean; icd10?: string }; contagiousDisease: 'yes' | 'no' | 'unknown' };
  coffin: { hermetic: boolean; closedOn: string; seal: string };
  burial: { communeCode: string; cemetery?: string; familyContact: { name: string; phone: string } };
  transport: {
    mode: 'air' | 'sea' | 'road'; carrier: string; flightOrVoyage: string; departureAt: string; expectedArrivalAt: string; borderPost: string;
    escorts?: Array<{ familyName: string; givenNames: string; passportNumber: string }>;
  };
  funeralOperator: { name: string; country: string; registration?: string };
  costCoverage: { payer: string; insurer?: string; policyNumber?: string };
  documents: Array<{ type: string; mediaType: string; content: string }>;
}

/** Which confidentiality level a piece has: the death certificate carries the cause (medical), the rest is personal. */
const CONFIDENTIALITY: Record<string, string> = { 'death-certificate': 'medical', 'death-act': 'personal', 'coffin-sealing': 'personal', other: 'personal' };

/** The laissez-passer number is the request's: DGSN is told it before it is printed (it holds a transport without one). */
export function laissezPasserNumber(reference: string): string {
  return `LPM-${reference}`;
}

export function toUtcIso(dateTime: string): string {
  return new Date(dateTime).toISOString();
}

/**
 * Which pieces may go to whom, by confidentiality (document.schema.json): medical pieces to Health only; DGSN's
 * transport clearance takes no piece at all. The mappings' closed schemas then keep only the fields each needs.
 */
const PIECES_FOR: Record<'interior' | 'health' | 'dgsn', (confidentiality: string) => boolean> = {
  interior: (c) => c !== 'medical',
  health: () => true,
  dgsn: () => false,
};

/** `sha256` is passed in (hashing is not I/O, but it keeps this file free of node APIs). */
export function canonicalCase(reference: string, data: RepatriationData, sha256: (base64: string) => string, audience: 'interior' | 'health' | 'dgsn'): Record<string, unknown> {
  const d = data.deceased;
  const person: Record<string, unknown> = {
    familyName: d.familyName, givenNames: d.givenNames, familyNameAr: d.familyNameAr, givenNamesAr: d.givenNamesAr,
    birthDate: d.birthDate, sex: d.sex, birthPlace: { locality: d.birthPlace },
    ...(d.cnie ? { identifiers: { cnie: d.cnie } } : {}),
    ...(d.fatherGivenNames || d.motherFullName ? { parents: {
      ...(d.fatherGivenNames ? { fatherGivenNames: d.fatherGivenNames } : {}), ...(d.motherFullName ? { motherFullName: d.motherFullName } : {}) } } : {}),
  };
  const t = data.transport;
  return {
    caseReference: reference,
    deceased: {
      person,
      death: { date: data.death.date, country: data.death.country, city: data.death.city, cause: data.death.cause, contagiousDisease: data.death.contagiousDisease },
      coffin: data.coffin,
    },
    burial: data.burial,
    transport: {
      mode: t.mode, borderPost: t.borderPost, carrier: t.carrier, flightOrVoyage: t.flightOrVoyage,
      expectedArrivalAt: toUtcIso(t.expectedArrivalAt), escorts: t.escorts ?? [],
    },
    funeralOperator: data.funeralOperator,
    laissezPasserNumber: laissezPasserNumber(reference),
    documents: data.documents
      .map((doc) => ({ type: doc.type, confidentiality: CONFIDENTIALITY[doc.type] ?? 'personal', sha256: sha256(doc.content), contentType: doc.mediaType, content: doc.content }))
      .filter((doc) => PIECES_FOR[audience](doc.confidentiality)),
  };
}

/** What DGSN's identity check needs: the person (canonical), nothing of the death or the burial. */
export function identityQuery(data: RepatriationData): Record<string, unknown> {
  const d = data.deceased;
  return { familyName: d.familyName, givenNames: d.givenNames, birthDate: d.birthDate, ...(d.cnie ? { identifiers: { cnie: d.cnie } } : {}) };
}
