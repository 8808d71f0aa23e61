/**
 * The three clearances of a repatriation (canonical clearance: agency, status, reason, references, decided at),
 * how a new word from an agency is applied to the one kept, and what they mean together for the request. Pure.
 */
import { isNewerState } from '../requests/state-order';

export type Agency = 'interior' | 'health' | 'dgsn';
export const AGENCIES: readonly Agency[] = ['interior', 'health', 'dgsn'];
export const AGENCY_NAMES: Record<Agency, string> = { interior: 'Interior (burial authorisation)', health: 'Health (sanitary clearance)', dgsn: 'DGSN (transport clearance)' };

export type ClearanceStatus = 'pending' | 'granted' | 'refused' | 'needs-info';

export interface Clearance {
  agency: Agency;
  kind?: string;
  status: ClearanceStatus;
  reason?: string;
  /** For needs-info: the fields of our request the agency names as missing or wrong (Health's 400 Erreurs), as it names them. */
  fields?: string[];
  conditions?: string;
  /** The agency's reference of our submission (Interior ticket, Health Accuse number, DGSN transportId). */
  partnerReference?: string;
  /** The decision's own reference (authorisation number, Health decision number). */
  decisionReference?: string;
  issuingCommune?: string;
  decidedAt?: string;
  validUntil?: string;
  /** Ordering stamp of the state kept: when the agency says it was reached, and the event type for ties. */
  stamp?: { at: string; type?: string };
  /** Our earlier asks' references, replaced by a correction: their late answers are ignored. */
  superseded?: string[];
}

/** Result keys: one per agency, so two agencies' words merged at once never overwrite each other. */
export const RESULT_KEY: Record<Agency, string> = { interior: 'interiorClearance', health: 'healthClearance', dgsn: 'dgsnClearance' };

export function clearancesOf(results: Record<string, unknown>): Partial<Record<Agency, Clearance>> {
  const out: Partial<Record<Agency, Clearance>> = {};
  for (const agency of AGENCIES) {
    const c = results[RESULT_KEY[agency]];
    if (c && typeof c === 'object') out[agency] = c as Clearance;
  }
  return out;
}

const decided = (c: Clearance | undefined): boolean => c !== undefined && c.status !== 'pending';

/**
 * The clearance to keep when `incoming` arrives over `current`, or undefined when nothing changes:
 * - an acknowledgement (pending) only adds the agency's reference, never undoes a decision that overtook it;
 * - a decision replaces a pending state; between decisions the newer stamp wins (an older event never overwrites);
 * - the same decision again (a duplicate) changes nothing.
 */
export function mergeClearance(current: Clearance | undefined, incoming: Clearance): Clearance | undefined {
  if (incoming.status === 'pending') {
    if (current === undefined) return incoming;
    if (incoming.partnerReference && current.partnerReference !== incoming.partnerReference) return { ...current, partnerReference: incoming.partnerReference };
    return undefined;
  }
  const merged = { ...incoming, partnerReference: incoming.partnerReference ?? current?.partnerReference };
  if (!decided(current)) return merged;
  const cur = current as Clearance;
  if (cur.stamp && incoming.stamp) {
    if (!isNewerState(cur.stamp, incoming.stamp)) return undefined;
    return merged;
  }
  // Without stamps (an Interior status poll repeating the callback), only a different decision counts.
  if (cur.status === incoming.status && cur.decisionReference === incoming.decisionReference) return undefined;
  // A reopened ask (after a correction) is pending again: any decision then applies.
  return merged;
}

export type Verdict =
  | { to: 'rejected'; agency: Agency; note: string }
  | { to: 'info-requested'; agency: Agency; note: string }
  | { to: 'ready-for-decision'; note: string }
  | { to: 'awaiting-partners' };

/** What the clearances mean together: one refusal rejects; a question stops for the citizen; three grants are ready. */
export function verdict(clearances: Partial<Record<Agency, Clearance>>): Verdict {
  for (const agency of AGENCIES) {
    const c = clearances[agency];
    if (c?.status === 'refused') return { to: 'rejected', agency, note: `${AGENCY_NAMES[agency]}: refused — ${c.reason ?? 'no reason given'}` };
  }
  for (const agency of AGENCIES) {
    const c = clearances[agency];
    if (c?.status === 'needs-info') {
      const fields = c.fields?.length ? ` (fields: ${c.fields.join(', ')})` : '';
      return { to: 'info-requested', agency, note: `${AGENCY_NAMES[agency]}: more information needed — ${c.reason ?? 'no reason given'}${fields}` };
    }
  }
  if (AGENCIES.every((a) => clearances[a]?.status === 'granted')) return { to: 'ready-for-decision', note: 'Interior, Health and DGSN have cleared the repatriation' };
  return { to: 'awaiting-partners' };
}

export function describe(c: Clearance): string {
  const base = `${AGENCY_NAMES[c.agency]}: ${c.status}`;
  return [base, c.reason, c.fields?.length ? `fields: ${c.fields.join(', ')}` : undefined, c.conditions ? `conditions: ${c.conditions}` : undefined, c.decisionReference].filter(Boolean).join(' — ');
}
