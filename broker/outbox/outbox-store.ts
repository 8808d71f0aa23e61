import type { Knex } from 'knex';

export interface OutboxMessage {
  id: string;
  requestId: string | null;
  caseReference: string;
  partner: string;
  operation: string;
  payload: Record<string, unknown>;
  replyAction: string | null;
  correlationId: string | null;
  status: string;
  attempts: number;
}

function toMessage(r: Record<string, unknown>): OutboxMessage {
  return {
    id: String(r.id), requestId: (r.request_id as string | null) ?? null, caseReference: String(r.case_reference), partner: String(r.partner),
    operation: String(r.operation), payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    replyAction: (r.reply_action as string | null) ?? null, correlationId: (r.correlation_id as string | null) ?? null,
    status: String(r.status), attempts: Number(r.attempts),
  };
}

/**
 * Claims due messages for this relay. `SKIP LOCKED` lets relays on several nodes claim disjoint sets;
 * the lease lets another node take over a message whose claimer died.
 */
export async function claimDueMessages(db: Knex, opts: { limit: number; leaseMs: number; as: 'in-flight' | 'queued' }): Promise<OutboxMessage[]> {
  const result = await db.raw(
    `UPDATE outbox SET status = ?, locked_until = now() + (? * interval '1 millisecond'), updated_at = now()
     WHERE id IN (
       SELECT id FROM outbox
       WHERE (status = 'pending' AND next_attempt_at <= now())
          OR (status IN ('in-flight', 'queued') AND locked_until < now())
       ORDER BY next_attempt_at, created_at
       LIMIT ? FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [opts.as, opts.leaseMs, opts.limit],
  );
  return (result.rows as Array<Record<string, unknown>>).map(toMessage);
}

/** A worker takes one queued message (AMQP mode); undefined when another worker or relay already has it. */
export async function takeQueuedMessage(db: Knex, id: string, leaseMs: number): Promise<OutboxMessage | undefined> {
  const result = await db.raw(
    `UPDATE outbox SET status = 'in-flight', locked_until = now() + (? * interval '1 millisecond'), updated_at = now()
     WHERE id = (SELECT id FROM outbox WHERE id = ? AND status = 'queued' FOR UPDATE SKIP LOCKED) RETURNING *`,
    [leaseMs, id],
  );
  const rows = result.rows as Array<Record<string, unknown>>;
  return rows.length ? toMessage(rows[0]) : undefined;
}

export async function countAttempt(trx: Knex | Knex.Transaction, id: string): Promise<number> {
  const rows = await trx('outbox').where('id', id).increment('attempts', 1).returning('attempts');
  return Number((rows[0] as { attempts: number }).attempts);
}

export async function reschedule(db: Knex | Knex.Transaction, id: string, delayMs: number, error: { code: string; message: string }): Promise<void> {
  await db('outbox').where('id', id).update({
    status: 'pending', locked_until: null, updated_at: db.fn.now(), last_error_code: error.code, last_error: error.message,
    next_attempt_at: db.raw(`now() + (? * interval '1 millisecond')`, [Math.max(0, Math.round(delayMs))]),
  });
}

export async function moveToDeadLetters(db: Knex | Knex.Transaction, id: string, error: { code: string; message: string }): Promise<void> {
  await db('outbox').where('id', id).update({ status: 'dead', locked_until: null, updated_at: db.fn.now(), last_error_code: error.code, last_error: error.message });
}

export async function releaseToPending(db: Knex, ids: string[]): Promise<void> {
  if (ids.length) await db('outbox').whereIn('id', ids).update({ status: 'pending', locked_until: null, updated_at: db.fn.now() });
}

/**
 * Replay of a dead letter: same message id (the partner de-duplicates), attempts start again; the replay is
 * written to the audit log in the same transaction. Documents cannot be issued twice by a replay: the reply
 * applies only to a request still waiting for it, and a request holds one document of a kind.
 */
export async function replayDeadLetter(db: Knex, id: string, actor: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const n = await trx('outbox').where({ id, status: 'dead' }).update({ status: 'pending', attempts: 0, next_attempt_at: trx.fn.now(), updated_at: trx.fn.now() });
    if (n === 1) await trx('audit_log').insert({ actor, role: 'engineer', action: 'outbox.replay', subject: id, outcome: 'ok' });
    return n === 1;
  });
}
