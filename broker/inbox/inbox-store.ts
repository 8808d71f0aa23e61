import type { Knex } from 'knex';

export interface InboundRecord {
  partner: string;
  /** The partner's message id (or `answer:<our message id>` for a synchronous answer): the de-duplication key. */
  messageId: string;
  operation: string;
  caseReference?: string | null;
  requestId?: string | null;
  replyAction?: string | null;
  payload: Record<string, unknown>;
}

export interface InboxRow extends InboundRecord { id: number; attempts: number; status: string }

/** Stores an inbound message once; a duplicate (same partner + message id) is absorbed: `inserted` is false. */
export async function recordInbound(trx: Knex | Knex.Transaction, rec: InboundRecord): Promise<{ inserted: boolean }> {
  const rows = await trx('inbox').insert({
    partner: rec.partner, message_id: rec.messageId, operation: rec.operation, case_reference: rec.caseReference ?? null,
    request_id: rec.requestId ?? null, reply_action: rec.replyAction ?? null, payload: JSON.stringify(rec.payload),
  }).onConflict(['partner', 'message_id']).ignore().returning('id');
  return { inserted: rows.length > 0 };
}

/** Claims received messages for processing; a lease (not a held transaction) so processing may call the broker. */
export async function claimInbox(db: Knex, limit: number, leaseMs: number): Promise<InboxRow[]> {
  const result = await db.raw(
    `UPDATE inbox SET attempts = attempts + 1, locked_until = now() + (? * interval '1 millisecond')
     WHERE id IN (SELECT id FROM inbox WHERE status = 'received' AND (locked_until IS NULL OR locked_until < now())
                  ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [leaseMs, limit],
  );
  return (result.rows as Array<Record<string, unknown>>).map((r) => ({
    id: Number(r.id), partner: String(r.partner), messageId: String(r.message_id), operation: String(r.operation),
    caseReference: (r.case_reference as string | null) ?? null, requestId: (r.request_id as string | null) ?? null,
    replyAction: (r.reply_action as string | null) ?? null,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    attempts: Number(r.attempts), status: String(r.status),
  })).sort((a, b) => a.id - b.id);
}

export async function markProcessed(db: Knex, id: number): Promise<void> {
  await db('inbox').where('id', id).update({ status: 'processed', processed_at: db.fn.now(), locked_until: null, error: null });
}

export async function quarantine(db: Knex, id: number, reason: string): Promise<void> {
  await db('inbox').where('id', id).update({ status: 'quarantined', error: reason, locked_until: null });
}

export async function releaseForRetry(db: Knex, id: number, delayMs: number, reason: string): Promise<void> {
  await db('inbox').where('id', id).update({ error: reason, locked_until: db.raw(`now() + (? * interval '1 millisecond')`, [delayMs]) });
}
