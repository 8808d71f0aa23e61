import type { Knex } from 'knex';
import type { Connector, PartnerAnswer } from '../../connectors/_kit/contract';
import { nextRetryDelayMs, shouldDeadLetter } from '../../connectors/_kit/retry-policy';
import type { RetryPolicy } from '../../config/schema';
import { HubError, isHubError } from '../errors';
import { appendToLedger, sha256Hex } from '../ledger/ledger';
import { recordInbound } from '../inbox/inbox-store';
import { countAttempt, moveToDeadLetters, reschedule, type OutboxMessage } from './outbox-store';
import { prepareRequest, type RequestMapper } from './request-mapping';

export interface DeliveryDeps {
  db: Knex;
  connectorFor(partner: string): Connector | undefined;
  retry: RetryPolicy;
  /** The partner bindings' request mappings (`mappings.<operation>.request`); without one, the payload is sent as it is. */
  requests?: RequestMapper;
  log: { warn(msg: string, meta?: Record<string, unknown>): void };
  random?: () => number;
}

export type DeliveryOutcome = 'delivered' | 'retry-scheduled' | 'dead-lettered';

function classify(err: unknown): HubError {
  if (isHubError(err)) return err;
  // An unexpected failure is our bug, not the partner's: keep the message (dead letters, replayable), hide the details.
  return new HubError('INTERNAL', 'unexpected error while delivering: ' + (err instanceof Error ? err.name : 'unknown'));
}

/**
 * One delivery attempt of one claimed message. The partner's answer is stored in the inbox in the same
 * transaction that marks the message delivered, so an answer received is never lost and never applied twice.
 */
export async function deliverMessage(msg: OutboxMessage, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const { db } = deps;
  const connector = deps.connectorFor(msg.partner);
  if (!connector) return deadLetterUnsent(msg, new HubError('CONFIG_INVALID', `no connector is configured for partner "${msg.partner}"`), deps);
  // The partner gets what its contract says (the binding's request mapping), not the service's canonical payload.
  const prepared = prepareRequest(msg, deps.requests);
  if (!prepared.ok) return deadLetterUnsent(msg, prepared.error, deps);
  const payload = prepared.payload as Record<string, unknown>;
  // The ledger's evidence is of what was handed to the partner.
  const payloadHash = sha256Hex(JSON.stringify(payload));
  const startedAt = Date.now();
  let answer: PartnerAnswer;
  try {
    answer = await connector.send({
      messageId: msg.id, caseReference: msg.caseReference, partner: msg.partner, operation: msg.operation, payload,
      ...(msg.correlationId ? { correlationId: msg.correlationId } : {}),
    });
  } catch (raw) {
    return handleFailure(msg, classify(raw), Date.now() - startedAt, payloadHash, deps);
  }
  // What was asked (as sent) travels with the answer: the mapping may need it (a 404 names no licence by itself).
  const answerPayload = { kind: 'answer', status: answer.status, body: answer.body, request: payload, receivedAt: new Date().toISOString() };
  // One statement (hub_record_delivery, migration 004): the attempt and "delivered" on the outbox row, the out and in
  // ledger links, and the answer in the inbox, committed together.
  await db.raw('SELECT hub_record_delivery(?, ?, ?, ?, ?, ?, ?::jsonb)', [
    msg.id, payloadHash, Math.round(answer.durationMs), `answer:${msg.id}`, sha256Hex(JSON.stringify(answer.body ?? null)), `answer ${answer.status}`,
    JSON.stringify(answerPayload),
  ]);
  return 'delivered';
}

/**
 * A message that cannot leave (no connector, a payload that does not map): nothing was sent, so no attempt
 * and no ledger entry; retrying cannot help, so it goes to dead letters at once, replayable after the fix.
 */
async function deadLetterUnsent(msg: OutboxMessage, err: HubError, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  await deps.db.transaction(async (trx) => {
    await moveToDeadLetters(trx, msg.id, { code: err.code, message: err.message });
    await notifyDeadLetter(trx, msg, err.code, err.message);
  });
  deps.log.warn('outbox message moved to dead letters', { messageId: msg.id, partner: msg.partner, operation: msg.operation, code: err.code });
  return 'dead-lettered';
}

async function handleFailure(msg: OutboxMessage, err: HubError, durationMs: number, payloadHash: string, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const { db } = deps;
  const error = { code: err.code, message: err.message };
  if (err.code === 'PARTNER_CIRCUIT_OPEN') {
    // Nothing left the hub: not an attempt, not evidence; try again when the breaker lets calls through.
    await reschedule(db, msg.id, err.retryAfterMs ?? deps.retry.baseMs, error);
    return 'retry-scheduled';
  }
  const outcome = await db.transaction(async (trx): Promise<DeliveryOutcome> => {
    const attempt = await countAttempt(trx, msg.id);
    await appendToLedger(trx, { partner: msg.partner, operation: msg.operation, direction: 'out', messageId: msg.id, caseReference: msg.caseReference,
      payloadSha256: payloadHash, outcome: `failed ${err.code}`, durationMs, attempt });
    if (!err.retryable || shouldDeadLetter(attempt, deps.retry.maxAttempts)) {
      const reason = err.retryable ? `${err.message} (gave up after ${attempt} attempts)` : err.message;
      await moveToDeadLetters(trx, msg.id, { code: err.code, message: reason });
      await notifyDeadLetter(trx, msg, err.code, reason);
      return 'dead-lettered';
    }
    await reschedule(trx, msg.id, nextRetryDelayMs(attempt, deps.retry, err.retryAfterMs, deps.random), error);
    return 'retry-scheduled';
  });
  if (outcome === 'dead-lettered') deps.log.warn('outbox message moved to dead letters', { messageId: msg.id, partner: msg.partner, operation: msg.operation, code: err.code });
  return outcome;
}

/** The service that sent the message learns, through the inbox, that it went to dead letters. */
async function notifyDeadLetter(db: Knex | Knex.Transaction, msg: OutboxMessage, code: string, reason: string): Promise<void> {
  if (!msg.replyAction) return;
  await recordInbound(db, { partner: msg.partner, messageId: `dead:${msg.id}:${Date.now()}`, operation: msg.operation, caseReference: msg.caseReference,
    requestId: msg.requestId, replyAction: msg.replyAction, payload: { kind: 'dead-letter', code, reason, messageId: msg.id } });
}
