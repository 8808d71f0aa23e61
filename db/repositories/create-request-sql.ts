import type { Knex } from 'knex';
import type { PoolClient, QueryResult } from 'pg';

/**
 * Submissions in ONE statement (one round trip, one commit for a whole batch): claim each idempotency key and, for
 * the keys that were free, number the requests and insert them with their history and outbox messages. PostgreSQL
 * runs every data-modifying CTE to completion and checks foreign keys at the end of the statement, so the rows see
 * each other. A submission whose key is already taken inserts nothing and returns no row.
 * On a PostgreSQL server it runs as a named prepared statement: parsing and planning it was half of PostgreSQL's
 * work per submission (docs/performance.md).
 */
const CREATE_REQUESTS_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    owner_sub text, key text, body_sha256 text, id uuid, reference_prefix text, service text, post text, status text,
    applicant jsonb, data jsonb, history jsonb, correlation_id text, outbox jsonb)
), claimed AS (
  INSERT INTO idempotency_keys (owner_sub, key, body_sha256, request_id)
  SELECT owner_sub, key, body_sha256, id FROM input
  ON CONFLICT (owner_sub, key) DO NOTHING
  RETURNING request_id
), numbered AS (
  SELECT input.*, nextval('request_reference_seq')::text AS n FROM input JOIN claimed ON claimed.request_id = input.id
), inserted AS (
  INSERT INTO requests (id, reference, service, post, status, owner_sub, applicant, data, results, version)
  SELECT id, reference_prefix || lpad(n, greatest(6, length(n)), '0'), service, post, status, owner_sub, applicant, data, '{}'::jsonb, 1
  FROM numbered
  RETURNING id, reference, version, created_at, updated_at
), history AS (
  INSERT INTO request_history (request_id, at, status, actor, note)
  SELECT numbered.id, h.at, h.status, h.actor, h.note
  FROM numbered, jsonb_to_recordset(numbered.history) AS h(at timestamptz, status text, actor text, note text)
  RETURNING 1
), messages AS (
  INSERT INTO outbox (id, request_id, case_reference, partner, operation, payload, reply_action, correlation_id)
  SELECT gen_random_uuid(), inserted.id, inserted.reference, m.partner, m.operation, m.payload, m.reply_action, numbered.correlation_id
  FROM inserted JOIN numbered ON numbered.id = inserted.id,
       jsonb_to_recordset(numbered.outbox) AS m(partner text, operation text, payload jsonb, reply_action text)
  RETURNING 1
)
SELECT id, reference, version, created_at, updated_at FROM inserted`;

const STATEMENT_NAME = 'hub_create_requests_v1';

/** One submission as the statement reads it (a row of `input`). */
export interface SubmissionRow {
  owner_sub: string; key: string; body_sha256: string; id: string; reference_prefix: string; service: string; post: string; status: string;
  applicant: Record<string, unknown>; data: Record<string, unknown>;
  history: Array<{ at: string; status: string; actor: string; note: string | null }>;
  correlation_id: string | null;
  outbox: Array<{ partner: string; operation: string; payload: Record<string, unknown>; reply_action: string | null }>;
}

export interface CreatedRow { id: string; reference: string; version: number; created_at: Date; updated_at: Date }

/** Runs the statement for a batch of submissions; returns the rows of those that were created. */
export async function runCreateRequests(db: Knex, submissions: SubmissionRow[]): Promise<CreatedRow[]> {
  const input = JSON.stringify(submissions);
  if (db.client.config.client !== 'pg') {
    // PGlite (in process, one connection): no round trip to save; knex takes `?` placeholders.
    const result = await db.raw(CREATE_REQUESTS_SQL.replace('$1', '?'), [input]);
    return result.rows as CreatedRow[];
  }
  const connection = (await db.client.acquireConnection()) as PoolClient;
  try {
    const result: QueryResult<CreatedRow> = await connection.query({ name: STATEMENT_NAME, text: CREATE_REQUESTS_SQL, values: [input] });
    return result.rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}
