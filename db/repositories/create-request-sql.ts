/**
 * A submission in ONE statement (one round trip, one commit): claim the idempotency key and, only if it was free,
 * number the request and insert it with its history and outbox messages. PostgreSQL runs every data-modifying CTE
 * to completion and checks foreign keys at the end of the statement, so the rows see each other. When the key is
 * already taken the statement inserts nothing and returns no row.
 */
export const CREATE_REQUEST_SQL = `
WITH claimed AS (
  INSERT INTO idempotency_keys (owner_sub, key, body_sha256, request_id)
  VALUES (:ownerSub, :key, :bodySha256, CAST(:id AS uuid))
  ON CONFLICT (owner_sub, key) DO NOTHING
  RETURNING request_id
), numbered AS (
  SELECT request_id AS id, :referencePrefix || lpad(nextval('request_reference_seq')::text, 6, '0') AS reference FROM claimed
), inserted AS (
  INSERT INTO requests (id, reference, service, post, status, owner_sub, applicant, data, results, version)
  SELECT id, reference, :service, :post, :status, :ownerSub, CAST(:applicant AS jsonb), CAST(:data AS jsonb), '{}'::jsonb, 1 FROM numbered
  RETURNING *
), history AS (
  INSERT INTO request_history (request_id, at, status, actor, note)
  SELECT inserted.id, h.at, h.status, h.actor, h.note
  FROM inserted, jsonb_to_recordset(CAST(:history AS jsonb)) AS h(at timestamptz, status text, actor text, note text)
  RETURNING 1
), messages AS (
  INSERT INTO outbox (id, request_id, case_reference, partner, operation, payload, reply_action, correlation_id)
  SELECT gen_random_uuid(), inserted.id, inserted.reference, m.partner, m.operation, m.payload, m.reply_action, :correlationId
  FROM inserted, jsonb_to_recordset(CAST(:outbox AS jsonb)) AS m(partner text, operation text, payload jsonb, reply_action text)
  RETURNING 1
)
SELECT * FROM inserted`;
