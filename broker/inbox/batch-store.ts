import type { Knex } from 'knex';
import type { InboundRecord } from './inbox-store';

/** Records per statement unless told otherwise: 1,000 rows of a batch result are a few hundred kB of parameters. */
export const DEFAULT_INBOX_CHUNK = 1000;

export interface BatchInsertResult {
  /** Rows written. */
  inserted: number;
  /** Records absorbed because (partner, message id) was already in the inbox, or earlier in the same call. */
  duplicates: number;
}

/*
 * One multi-row INSERT per chunk. The rows travel as seven array parameters expanded by `unnest`, so the statement
 * text is the same whatever the chunk size (no 65,535-parameter ceiling, nothing to build per row) and PostgreSQL
 * sees one statement, one round trip and, outside a transaction, one commit per chunk. `DO NOTHING` also absorbs a
 * repeat inside the same chunk (only `DO UPDATE` refuses to touch a row twice).
 */
const INSERT_CHUNK = `
WITH written AS (
  INSERT INTO inbox (partner, message_id, operation, case_reference, request_id, reply_action, payload)
  SELECT r.partner, r.message_id, r.operation, r.case_reference, r.request_id, r.reply_action, r.payload::jsonb
  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[], ?::text[])
       AS r(partner, message_id, operation, case_reference, request_id, reply_action, payload)
  ON CONFLICT (partner, message_id) DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS inserted FROM written`;

/**
 * Stores many inbound messages (e.g. the records of a batch result file), once each: a record whose
 * (partner, message id) is already in the inbox is absorbed, like `recordInbound` does for one. Each chunk is
 * its own statement; give a transaction as `db` to make the whole call atomic.
 */
export async function recordInboundBatch(
  db: Knex | Knex.Transaction,
  records: readonly InboundRecord[],
  options: { chunkSize?: number } = {},
): Promise<BatchInsertResult> {
  const chunkSize = options.chunkSize ?? DEFAULT_INBOX_CHUNK;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError('chunkSize must be a positive integer');
  let inserted = 0;
  for (let start = 0; start < records.length; start += chunkSize) {
    const chunk = records.slice(start, start + chunkSize);
    const columns: Array<Array<string | null>> = [[], [], [], [], [], [], []];
    for (const rec of chunk) {
      columns[0].push(rec.partner);
      columns[1].push(rec.messageId);
      columns[2].push(rec.operation);
      columns[3].push(rec.caseReference ?? null);
      columns[4].push(rec.requestId ?? null);
      columns[5].push(rec.replyAction ?? null);
      columns[6].push(JSON.stringify(rec.payload));
    }
    const result = await db.raw(INSERT_CHUNK, columns as unknown as Knex.RawBinding[]) as { rows: Array<{ inserted: number }> };
    inserted += Number(result.rows[0]?.inserted ?? 0);
  }
  return { inserted, duplicates: records.length - inserted };
}
