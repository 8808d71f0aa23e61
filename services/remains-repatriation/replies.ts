/**
 * Partner words (mapped to the canonical clearance by the bindings' answer mappings) turned into the
 * clearance the service keeps. Pure.
 */
import type { PartnerReply } from '../../broker/inbox/processor';
import type { Agency, Clearance, ClearanceStatus } from './clearances';

const AGENCY_OF_PARTNER: Record<string, Agency> = { interior: 'interior', health: 'health', dgsn: 'dgsn' };
const STATUSES: readonly ClearanceStatus[] = ['pending', 'granted', 'refused', 'needs-info'];
/** DGSN's event types, for isNewerState's ties (state-order.ts ranks TRANSPORT_CLEARANCE before BORDER_ARRIVAL). */
const EVENT_TYPE_OF_KIND: Record<string, string> = { 'transport-clearance': 'TRANSPORT_CLEARANCE', 'border-arrival': 'BORDER_ARRIVAL' };

export function agencyOf(partner: string): Agency | undefined {
  return AGENCY_OF_PARTNER[partner];
}

/** Partners whose answers (status polls) carry the decision time on the same clock as their events. */
const STAMPED_ANSWERS = ['dgsn'];

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The canonical clearance of a reply, or undefined when the reply is not one (then it is only noted). */
export function clearanceOf(reply: PartnerReply): Clearance | undefined {
  const agency = agencyOf(reply.partner);
  const r = reply.result as Record<string, unknown> | undefined;
  if (!agency || !r || typeof r !== 'object' || !STATUSES.includes(r.status as ClearanceStatus)) return undefined;
  const c: Clearance = { agency, status: r.status as ClearanceStatus };
  for (const key of ['kind', 'reason', 'conditions', 'partnerReference', 'decisionReference', 'issuingCommune', 'decidedAt', 'validUntil'] as const) {
    const value = text(r[key]);
    if (value !== undefined) c[key] = value;
  }
  const fields = Array.isArray(r.fields) ? r.fields.filter((f): f is string => typeof f === 'string' && f !== '') : [];
  if (fields.length > 0) c.fields = fields;
  // Events and feed decisions carry when they were decided: the order between two of them. So does DGSN's status
  // answer (its `at` is the clock of its events): unstamped, a poll's CLEARED would hide the newer BORDER_ARRIVAL.
  // The Interior's callbacks and polls carry no decision time (decidedAt is when they reached us): the rule in mergeClearance.
  if (c.decidedAt && (reply.kind === 'event' || STAMPED_ANSWERS.includes(reply.partner))) c.stamp = { at: c.decidedAt, ...(c.kind && EVENT_TYPE_OF_KIND[c.kind] ? { type: EVENT_TYPE_OF_KIND[c.kind] } : {}) };
  return c;
}

/** A message the agency refused to read (dead letter PARTNER_REJECTED: fields named, values never) asks the citizen to correct. */
export function refusedAsk(reply: PartnerReply): Clearance | undefined {
  const agency = agencyOf(reply.partner);
  if (!agency || reply.kind !== 'dead-letter' || reply.failure?.code !== 'PARTNER_REJECTED') return undefined;
  return { agency, status: 'needs-info', reason: `the agency refused the request as sent: ${reply.failure.reason}` };
}
