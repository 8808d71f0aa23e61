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
  // Events and feed decisions carry when they were decided: the order between two of them. Status polls and
  // callbacks without a time are ordered by the rule in mergeClearance.
  if (c.decidedAt && reply.kind === 'event') c.stamp = { at: c.decidedAt, ...(c.kind && EVENT_TYPE_OF_KIND[c.kind] ? { type: EVENT_TYPE_OF_KIND[c.kind] } : {}) };
  return c;
}

/** A message the agency refused to read (dead letter PARTNER_REJECTED: fields named, values never) asks the citizen to correct. */
export function refusedAsk(reply: PartnerReply): Clearance | undefined {
  const agency = agencyOf(reply.partner);
  if (!agency || reply.kind !== 'dead-letter' || reply.failure?.code !== 'PARTNER_REJECTED') return undefined;
  return { agency, status: 'needs-info', reason: `the agency refused the request as sent: ${reply.failure.reason}` };
}
