import type { Knex } from 'knex';
import type { FieldError } from '../errors';
import { isHubError } from '../errors';
import { claimInbox, markProcessed, quarantine, releaseForRetry, type InboxRow } from './inbox-store';

export type MapResult = { ok: true; value: unknown } | { ok: false; errors: FieldError[] };

/** Turns a partner's raw answer into the canonical model (the partner binding names the mapping). */
export interface AnswerMapper {
  mapAnswer(partner: string, operation: string, answer: RawAnswer): MapResult;
}

/** A partner's answer as stored in the inbox: the wire answer plus what the hub had asked. */
export interface RawAnswer {
  status: number; body: unknown; request: Record<string, unknown>; receivedAt: string;
  /** The case reference of the request the message belongs to (from the outbox row, or carried by the event): answers that do not repeat it can still name it. */
  caseReference?: string | null;
}

/** What the reply action of the service that sent a message receives. */
export interface PartnerReply {
  requestId: string | null;
  caseReference: string | null;
  messageId: string;
  partner: string;
  operation: string;
  kind: 'answer' | 'dead-letter' | 'event';
  result?: unknown;
  failure?: { code: string; reason: string };
}

export interface InboxDeps {
  db: Knex;
  call(action: string, params: PartnerReply): Promise<unknown>;
  mapper: AnswerMapper;
  log: { warn(msg: string, meta?: Record<string, unknown>): void };
  leaseMs: number;
  maxAttempts: number;
}

function describeErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.path} ${e.message}`).join('; ');
}

function toReply(row: InboxRow, deps: InboxDeps): PartnerReply | { quarantine: string } {
  const p = row.payload;
  const base = { requestId: row.requestId ?? null, caseReference: row.caseReference ?? null, partner: row.partner, operation: row.operation };
  if (p.kind === 'dead-letter') {
    return { ...base, messageId: String(p.messageId), kind: 'dead-letter', failure: { code: String(p.code), reason: String(p.reason) } };
  }
  const mapped = deps.mapper.mapAnswer(row.partner, row.operation, {
    status: Number(p.status), body: p.body, request: (p.request ?? {}) as Record<string, unknown>, receivedAt: String(p.receivedAt ?? new Date().toISOString()),
    caseReference: row.caseReference ?? null,
  });
  if (!mapped.ok) return { quarantine: `mapping failed: ${describeErrors(mapped.errors)}` };
  return { ...base, messageId: row.messageId.replace(/^answer:/, ''), kind: p.kind === 'event' ? 'event' : 'answer', result: mapped.value };
}

/**
 * Applies received partner messages to the services, oldest first. A message that cannot be read is
 * quarantined with its reason (kept, replayable after a fix); one whose service call fails transiently waits.
 */
export async function processInbox(deps: InboxDeps, limit = 20): Promise<number> {
  const rows = await claimInbox(deps.db, limit, deps.leaseMs);
  for (const row of rows) {
    if (!row.replyAction) { await markProcessed(deps.db, row.id); continue; }
    const reply = toReply(row, deps);
    if ('quarantine' in reply) {
      await quarantine(deps.db, row.id, reply.quarantine);
      deps.log.warn('inbound message quarantined', { inboxId: row.id, partner: row.partner, operation: row.operation });
      continue;
    }
    try {
      await deps.call(row.replyAction, reply);
      await markProcessed(deps.db, row.id);
    } catch (err) {
      const code = isHubError(err) ? err.code : ((err as { type?: string }).type ?? 'INTERNAL');
      const retryable = isHubError(err) ? err.retryable : (err as { retryable?: boolean }).retryable === true;
      const reason = `${code}: ${isHubError(err) ? err.message : 'the service failed to apply it'}`;
      if (!retryable || row.attempts >= deps.maxAttempts) await quarantine(deps.db, row.id, reason);
      else await releaseForRetry(deps.db, row.id, 500 * 2 ** Math.min(row.attempts, 8), reason);
      deps.log.warn('inbound message not applied', { inboxId: row.id, code, retryable });
    }
  }
  return rows.length;
}
