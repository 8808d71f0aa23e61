/**
 * The DGSN sandbox's identity register and its decision rules, written from dgsn.md alone (the
 * sandbox is the other side of the wire and shares no code with connectors/ or mappings/).
 * The people are those of DESIGN.md §4a plus one per remaining outcome. Documented in
 * sandbox/dgsn/README.md: keep the two in step.
 */

export type VerificationResult = 'MATCH' | 'PARTIAL_MATCH' | 'NO_MATCH' | 'DOCUMENT_INVALID' | 'DECEASED';
export type MatchedField = 'cnie' | 'familyName' | 'givenNames' | 'birthDate';

export interface Citizen {
  cnie: string;
  familyName: string;
  givenNames: string;
  birthDate: string;
  cnieValidUntil: string;
  /** The card was declared lost or stolen: invalid whatever its date. */
  cnieRevoked?: boolean;
  deceasedOn?: string;
}

export const CITIZENS: readonly Citizen[] = [
  { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12', cnieValidUntil: '2031-04-11' },
  { cnie: 'AB987654', familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-03', cnieValidUntil: '2029-11-02' },
  { cnie: 'CD555111', familyName: 'ALAOUI', givenNames: 'Khadija', birthDate: '1948-02-20', cnieValidUntil: '2027-02-19', deceasedOn: '2026-11-20' },
  { cnie: 'EE246810', familyName: 'ZIANI', givenNames: 'Karim', birthDate: '1982-07-19', cnieValidUntil: '2023-03-09' },
  { cnie: 'GH135790', familyName: 'BERRADA', givenNames: 'Salma', birthDate: '1995-01-30', cnieValidUntil: '2030-01-29', cnieRevoked: true },
];

export function findCitizen(cnie: string): Citizen | undefined {
  const wanted = cnie.trim().toUpperCase();
  return CITIZENS.find((c) => c.cnie === wanted);
}

/** Names compared without regard to case, accents, hyphens or repeated spaces ("El-Fassi" = "EL FASSI"). */
export function normaliseName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase().replace(/[-'\s]+/g, ' ').trim();
}

export interface IdentityQuery {
  cnie: string;
  familyName: string;
  givenNames: string;
  birthDate: string;
}

export interface IdentityAnswer {
  result: VerificationResult;
  cnieValidUntil?: string;
  matchedFields: MatchedField[];
}

/**
 * Rules, in order: unknown CNIE → NO_MATCH; none of name, given names, birth date match → NO_MATCH;
 * some but not all match → PARTIAL_MATCH; all match → DECEASED if the person died, DOCUMENT_INVALID if
 * the card is revoked or past its date (`today`), MATCH otherwise. `cnieValidUntil` is given except on NO_MATCH.
 */
export function verifyIdentity(query: IdentityQuery, today: string): IdentityAnswer {
  const citizen = findCitizen(query.cnie);
  if (!citizen) return { result: 'NO_MATCH', matchedFields: [] };
  const matched: MatchedField[] = ['cnie'];
  if (normaliseName(query.familyName) === normaliseName(citizen.familyName)) matched.push('familyName');
  if (normaliseName(query.givenNames) === normaliseName(citizen.givenNames)) matched.push('givenNames');
  if (query.birthDate === citizen.birthDate) matched.push('birthDate');
  if (matched.length === 1) return { result: 'NO_MATCH', matchedFields: [] };
  const answer = (result: VerificationResult): IdentityAnswer => ({ result, cnieValidUntil: citizen.cnieValidUntil, matchedFields: matched });
  if (matched.length < 4) return answer('PARTIAL_MATCH');
  if (citizen.deceasedOn !== undefined) return answer('DECEASED');
  if (citizen.cnieRevoked || citizen.cnieValidUntil < today) return answer('DOCUMENT_INVALID');
  return answer('MATCH');
}

export interface TransportRequest {
  caseReference: string;
  deceased: { cnie?: string; familyName: string; givenNames: string; birthDate: string };
  laissezPasserNumber?: string;
  borderPost: string;
  carrier: string;
  flightOrVoyage: string;
  expectedArrivalAt: string;
  escorts: Array<{ familyName: string; givenNames: string; passportNumber: string }>;
}

/**
 * Border clearance of a transport of remains: HELD without a laissez-passer number, HELD when the
 * deceased's CNIE is known but the person is not recorded as deceased; CLEARED otherwise.
 */
export function decideClearance(request: TransportRequest): { outcome: 'CLEARED' | 'HELD'; remarks?: string } {
  if (request.laissezPasserNumber === undefined || request.laissezPasserNumber.trim() === '') {
    return { outcome: 'HELD', remarks: 'Laissez-passer mortuaire manquant.' };
  }
  const cnie = request.deceased.cnie;
  if (cnie !== undefined) {
    const citizen = findCitizen(cnie);
    if (citizen && citizen.deceasedOn === undefined) return { outcome: 'HELD', remarks: 'Décès non enregistré pour cette CNIE.' };
  }
  return { outcome: 'CLEARED' };
}
