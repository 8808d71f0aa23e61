/**
 * Reading of one NARSA `Result` (narsa.md, batches): `RequestId`, `Outcome` FOUND / NOT_FOUND /
 * MISMATCH, and for FOUND the licence as in the REST answer, in XML (element names are the REST
 * field names; `categories` and `restrictions` are lists). A record that breaks these rules is
 * quarantined with a reason that names the rule, never a value.
 */
import { elementValue, type XmlElement } from './xml-records';

export const NARSA_RESULTS = {
  rootElement: 'LicenceVerificationResults',
  namespace: 'urn:ma:narsa:licence:1',
  recordElement: 'Result',
} as const;

export type NarsaOutcome = 'FOUND' | 'NOT_FOUND' | 'MISMATCH';

export interface NarsaResult {
  requestId: string;
  outcome: NarsaOutcome;
  /** For FOUND: the licence, shaped like the REST answer (`numero`, `titulaire`, `statut`, `categories`…). */
  licence?: Record<string, unknown>;
}

export type RecordReading<T> = { ok: true; record: T } | { ok: false; reason: string; requestId?: string };

const OUTCOMES: readonly string[] = ['FOUND', 'NOT_FOUND', 'MISMATCH'];
const LISTS = new Set(['categories', 'restrictions']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function readNarsaResult(element: XmlElement): RecordReading<NarsaResult> {
  const known = new Set(['RequestId', 'Outcome', 'Licence']);
  const names = element.children.map((c) => c.name);
  const once = (name: string): XmlElement | undefined | 'repeated' => {
    const found = element.children.filter((c) => c.name === name);
    return found.length > 1 ? 'repeated' : found[0];
  };
  const idElement = once('RequestId');
  if (idElement === undefined) return { ok: false, reason: 'RequestId is missing' };
  if (idElement === 'repeated') return { ok: false, reason: 'RequestId appears more than once' };
  const requestId = idElement.text.trim();
  if (!REQUEST_ID.test(requestId) || idElement.children.length > 0) return { ok: false, reason: 'RequestId is not an identifier' };
  const fail = (reason: string): RecordReading<NarsaResult> => ({ ok: false, reason, requestId });
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) return fail(`unknown element(s): ${[...new Set(unknown)].join(', ')}`);
  const outcomeElement = once('Outcome');
  if (outcomeElement === undefined) return fail('Outcome is missing');
  if (outcomeElement === 'repeated') return fail('Outcome appears more than once');
  const outcome = outcomeElement.text.trim();
  if (!OUTCOMES.includes(outcome)) return fail('Outcome is not FOUND, NOT_FOUND or MISMATCH');
  const licenceElement = once('Licence');
  if (licenceElement === 'repeated') return fail('Licence appears more than once');
  if (outcome !== 'FOUND') {
    if (licenceElement !== undefined) return fail(`Licence is present with Outcome ${outcome}`);
    return { ok: true, record: { requestId, outcome: outcome as NarsaOutcome } };
  }
  if (licenceElement === undefined) return fail('Licence is missing with Outcome FOUND');
  const licence = elementValue(licenceElement, LISTS);
  if (typeof licence !== 'object' || licence === null || Array.isArray(licence)) return fail('Licence is empty');
  const fields = licence as Record<string, unknown>;
  for (const required of ['numero', 'statut', 'titulaire']) {
    if (fields[required] === undefined || fields[required] === '') return fail(`Licence.${required} is missing`);
  }
  return { ok: true, record: { requestId, outcome: 'FOUND', licence: fields } };
}

/** What the hub asked in the VERIF file for the request a result answers (found by its RequestId). */
export interface NarsaResultRequest { licenceNumber: string }

/** The input of `narsa/licence-result.in`: the record, what the hub asked (when known) and when the file was taken in. */
export interface NarsaResultMappingInput extends NarsaResult {
  request?: NarsaResultRequest;
  receivedAt: string;
}

/**
 * Built as one object literal, never `{ ...record, request, receivedAt }`: V8 keeps such a spread copy that then gets
 * more properties alive through the next scavenges although nothing refers to it, and promotes it to the old
 * generation; streaming a results file, that promoted garbage made the memory peak grow with the file's size
 * (docs/performance.md, "Memory"). A literal with the same fields dies young.
 */
export function narsaResultMappingInput(record: NarsaResult, request: NarsaResultRequest | undefined, receivedAt: string): NarsaResultMappingInput {
  return { requestId: record.requestId, outcome: record.outcome, licence: record.licence, request, receivedAt };
}
