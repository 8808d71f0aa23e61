import type { Knex } from 'knex';
import type { PoolClient, QueryResult } from 'pg';

/**
 * A submission in ONE statement (one round trip, one commit): claim the idempotency key and, only if it was free,
 * number the request and insert it with its history and outbox messages. PostgreSQL runs every data-modifying CTE
 * to completion and checks foreign keys at the end of the statement, so the rows see each other. When the key is
 * already taken the statement inserts nothing and returns no row.
 * Positional parameters, built once: parsing and planning this statement is half of PostgreSQL's work per
 * submission, so on a PostgreSQL server it runs as a named prepared statement (see docs/performance.md).
 */
const CREATE_REQUEST_SQL = `
WITH claimed AS (
  INSERT INTO idempotency_keys (owner_sub, key, body_sha256, request_id)
  VALUES ($1, $2, $3, $4::uuid)
  ON CONFLICT (owner_sub, key) DO NOTHING
  RETURNING request_id
), numbered AS (
  SELECT request_id AS id, nextval('request_reference_seq')::text AS n FROM claimed
), inserted AS (
  INSERT INTO requests (id, reference, service, post, status, owner_sub, applicant, data, results, version)
  SELECT id, $5 || lpad(n, greatest(6, length(n)), '0'), $6, $7, $8, $1, $9::jsonb, $10::jsonb, '{}'::jsonb, 1 FROM numbered
  RETURNING id, reference, version, created_at, updated_at
), history AS (
  INSERT INTO request_history (request_id, at, status, actor, note)
  SELECT inserted.id, h.at, h.status, h.actor, h.note
  FROM inserted, jsonb_to_recordset($11::jsonb) AS h(at timestamptz, status text, actor text, note text)
  RETURNING 1
), messages AS (
  INSERT INTO outbox (id, request_id, case_reference, partner, operation, payload, reply_action, correlation_id)
  SELECT gen_random_uuid(), inserted.id, inserted.reference, m.partner, m.operation, m.payload, m.reply_action, $12
  FROM inserted, jsonb_to_recordset($13::jsonb) AS m(partner text, operation text, payload jsonb, reply_action text)
  RETURNING 1
)
SELECT id, reference, version, created_at, updated_at FROM inserted`;

const STATEMENT_NAME = 'hub_create_request_v1';

export interface CreatedRow { id: string; reference: string; version: number; created_at: Date; updated_at: Date }

/** Runs the submission statement; `values` in the order of the placeholders above. */
export async function runCreateRequest(db: Knex, values: Array<string | null>): Promise<CreatedRow[]> {
  if (db.client.config.client !== 'pg') {
    // PGlite (in process, one connection): no round trip to save; knex takes `?` placeholders, one per occurrence.
    const result = await db.raw(CREATE_REQUEST_SQL.replace(/\$(\d+)/g, '?'), reorder(values));
    return result.rows as CreatedRow[];
  }
  const connection = (await db.client.acquireConnection()) as PoolClient;
  try {
    const result: QueryResult<CreatedRow> = await connection.query({ name: STATEMENT_NAME, text: CREATE_REQUEST_SQL, values });
    return result.rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}

const PLACEHOLDER_ORDER = [...CREATE_REQUEST_SQL.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]) - 1);

/** For `?` placeholders every occurrence needs its own value, in order of appearance. */
function reorder(values: Array<string | null>): Array<string | null> {
  return PLACEHOLDER_ORDER.map((i) => values[i]);
}
