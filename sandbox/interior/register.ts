/**
 * The Interior sandbox's civil-status register and communes: the demo people of DESIGN.md §4a, and
 * the rules that decide a burial authorisation. Documented in sandbox/interior/README.md; keep the
 * two in step. Written from the contract (interior.md) independently of mappings/.
 */

export interface Commune { code: string; name: string }

/** Demo commune codes (not the official nomenclature). */
export const COMMUNES: readonly Commune[] = Object.freeze([
  { code: '141011', name: 'Rabat-Hassan' },
  { code: '151081', name: 'Casablanca-Anfa' },
  { code: '351041', name: 'Fès-Médina' },
  { code: '071031', name: 'Tanger-Medina' },
  { code: '411021', name: 'Marrakech-Médina' },
]);

export interface Person {
  cnie: string;
  familyNameLatin: string;
  givenNamesLatin: string;
  familyNameArabic: string;
  givenNamesArabic: string;
  /** dd/MM/yyyy, as the Interior writes dates. */
  birthDate: string;
  birthCommune: string;
  birthAct: { year: number; actNumber: string };
  /** Death known to the civil status (transcribed or declared). */
  death?: { date: string; place: string };
}

export const PEOPLE: readonly Person[] = Object.freeze([
  {
    cnie: 'BK123456', familyNameLatin: 'EL FASSI', givenNamesLatin: 'Amina', familyNameArabic: 'الفاسي', givenNamesArabic: 'أمينة',
    birthDate: '12/04/1990', birthCommune: '141011', birthAct: { year: 1990, actNumber: '1990/0412' },
  },
  {
    cnie: 'AB987654', familyNameLatin: 'BENANI', givenNamesLatin: 'Youssef', familyNameArabic: 'بناني', givenNamesArabic: 'يوسف',
    birthDate: '03/11/1975', birthCommune: '151081', birthAct: { year: 1975, actNumber: '1975/1103' },
  },
  {
    cnie: 'CD555111', familyNameLatin: 'ALAOUI', givenNamesLatin: 'Khadija', familyNameArabic: 'العلوي', givenNamesArabic: 'خديجة',
    birthDate: '20/02/1948', birthCommune: '351041', birthAct: { year: 1948, actNumber: '1948/0220' },
    death: { date: '20/11/2026', place: 'Madrid (ESP)' },
  },
]);

export const communeByCode = (code: string): Commune | undefined => COMMUNES.find((c) => c.code === code);
export const personByCnie = (cnie: string): Person | undefined => PEOPLE.find((p) => p.cnie.toUpperCase() === cnie.toUpperCase());

export type Decision = 'GRANTED' | 'REFUSED' | 'NEEDS_INFO';

export interface BurialDecision {
  decision: Decision;
  authorisationNumber?: string;
  issuingCommune?: string;
  validUntil?: string;
  conditions?: string;
  reason?: string;
}

export interface BurialFacts {
  cnie?: string;
  birthDate: string;
  causeSealed: boolean;
  communeCode: string;
  attachmentKinds: string[];
  /** dd/MM/yyyy HH:mm */
  expectedAt: string;
}

/**
 * The rules, first match wins:
 * 1. no DEATH_ACT attachment → NEEDS_INFO (DEATH_ACT_MISSING);
 * 2. cause of death sealed and no COFFIN_SEALING attachment → NEEDS_INFO (COFFIN_SEALING_MISSING);
 * 3. a CNIE known to the register with another birth date → REFUSED (IDENTITY_MISMATCH);
 * 4. otherwise GRANTED by the commune of burial, valid 30 days after the expected arrival.
 */
export function decideBurial(facts: BurialFacts, sequence: number): BurialDecision {
  if (!facts.attachmentKinds.includes('DEATH_ACT')) return { decision: 'NEEDS_INFO', reason: 'DEATH_ACT_MISSING' };
  if (facts.causeSealed && !facts.attachmentKinds.includes('COFFIN_SEALING')) return { decision: 'NEEDS_INFO', reason: 'COFFIN_SEALING_MISSING' };
  const person = facts.cnie ? personByCnie(facts.cnie) : undefined;
  if (person && person.birthDate !== facts.birthDate) return { decision: 'REFUSED', reason: 'IDENTITY_MISMATCH' };
  const commune = communeByCode(facts.communeCode);
  const [day, month, year] = facts.expectedAt.slice(0, 10).split('/').map(Number);
  const validUntil = new Date(Date.UTC(year, month - 1, day + 30));
  return {
    decision: 'GRANTED',
    authorisationNumber: `AI-${facts.communeCode}-${year}-${String(sequence).padStart(5, '0')}`,
    issuingCommune: commune?.name ?? facts.communeCode,
    validUntil: formatDate(validUntil),
    conditions: "Inhumation dans les 48 heures suivant l'arrivée du corps.",
  };
}

/** dd/MM/yyyy of a UTC date. */
export function formatDate(date: Date): string {
  return `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;
}

/** dd/MM/yyyy HH:mm in Africa/Casablanca, the Interior's date-times. */
export function casablancaDateTime(at: Date): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Africa/Casablanca', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
