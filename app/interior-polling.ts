/**
 * The repatriation's scheduled fallbacks (services/remains-repatriation):
 * - polling: a burial authorisation (Interior) or a transport clearance (DGSN) still pending `delaySeconds` after
 *   our last word to the agency — a callback or a webhook event was missed — gets a status request through the
 *   outbox (GetBurialAuthorisationStatus {ticket}, GET /remains-transports/{transportId}); the answer comes back
 *   to the service like any answer, and applying it twice changes nothing;
 * - escalations: a clearance still pending 12 hours before the expected arrival is handed to the service once
 *   (an inbox row keyed by the request), which flags the request for the post's supervisors.
 * Both run once per window across a cluster (broker/scheduler).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { recordInbound } from '../broker/inbox/inbox-store';
import type { Scheduler } from '../broker/scheduler';
import { escalationDue } from '../services/remains-repatriation/escalation';

const SERVICE = 'remains-repatriation';
const REPLY = `${SERVICE}.clearanceReply`;
const WAITING = ['awaiting-partners', 'info-requested'];

interface Candidate { id: string; reference: string; results: Record<string, unknown>; data: Record<string, unknown> }
interface Pending { status?: string; partnerReference?: string }

/** For each agency that can be polled: where its clearance is kept, what we ask, and the payload of the question. */
const POLLS = [
  { key: 'interiorClearance', partner: 'interior', asked: ['burial.submit', 'burial.status'], operation: 'burial.status', payload: (ref: string, c: string) => ({ ticket: ref, caseReference: c }) },
  { key: 'dgsnClearance', partner: 'dgsn', asked: ['transport.notify', 'transport.get'], operation: 'transport.get', payload: (ref: string, c: string) => ({ transportId: ref, caseReference: c }) },
] as const;

const jsonOf = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : (v ?? {})) as Record<string, unknown>;

async function waitingRepatriations(db: Knex): Promise<Candidate[]> {
  const rows = await db('requests').select('id', 'reference', 'results', 'data').where('service', SERVICE).whereIn('status', WAITING);
  return rows.map((r: Record<string, unknown>) => ({ id: String(r.id), reference: String(r.reference), results: jsonOf(r.results), data: jsonOf(r.data) }));
}

/** One polling run: returns how many status requests were put in the outbox. */
export async function pollPendingClearances(db: Knex, delaySeconds: number, now: Date = new Date()): Promise<number> {
  let asked = 0;
  const before = new Date(now.getTime() - delaySeconds * 1000);
  for (const request of await waitingRepatriations(db)) {
    for (const poll of POLLS) {
      const clearance = request.results[poll.key] as Pending | undefined;
      if (clearance?.status !== 'pending' || !clearance.partnerReference) continue;
      const last = await db('outbox').where({ request_id: request.id, partner: poll.partner }).whereIn('operation', [...poll.asked]).max('created_at as at').first();
      if (last?.at && new Date(last.at as string) > before) continue;
      await db('outbox').insert({
        id: randomUUID(), request_id: request.id, case_reference: request.reference, partner: poll.partner, operation: poll.operation,
        payload: JSON.stringify(poll.payload(clearance.partnerReference, request.reference)), reply_action: REPLY,
      });
      asked += 1;
    }
  }
  return asked;
}

/** One escalation run: returns how many requests were handed to the service (each at most once, by its inbox key). */
export async function escalateLateClearances(db: Knex, now: Date = new Date()): Promise<number> {
  let handed = 0;
  for (const request of await waitingRepatriations(db)) {
    if (request.results.escalation) continue;
    const data = (request.results.correctedData ?? request.data) as { transport?: { expectedArrivalAt?: string } };
    const arrival = data.transport?.expectedArrivalAt;
    if (!arrival || !escalationDue(arrival, request.results, now)) continue;
    const { inserted } = await recordInbound(db, {
      partner: 'hub', messageId: `escalation:${request.id}`, operation: 'repatriation.escalation', caseReference: request.reference, requestId: request.id,
      replyAction: `${SERVICE}.escalate`, payload: { kind: 'event', status: 200, body: {}, request: {}, receivedAt: now.toISOString() },
    });
    if (inserted) handed += 1;
  }
  return handed;
}

export function scheduleRepatriationFallbacks(scheduler: Scheduler, deps: { db: Knex; poke(): void },
  options: { pollingCron: string; escalationCron: string; pollingDelaySeconds: number }): void {
  scheduler.schedule({
    name: 'remains-repatriation.polling', cron: options.pollingCron, leaseMs: 5 * 60 * 1000,
    run: async () => { if ((await pollPendingClearances(deps.db, options.pollingDelaySeconds)) > 0) deps.poke(); },
  });
  scheduler.schedule({
    name: 'remains-repatriation.escalations', cron: options.escalationCron, leaseMs: 5 * 60 * 1000,
    run: async () => { if ((await escalateLateClearances(deps.db)) > 0) deps.poke(); },
  });
}
