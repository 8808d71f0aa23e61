import type { Knex } from 'knex';

/**
 * The ledger's hash chain computed in the database, so that a delivery's whole record (outbox mark, two ledger
 * links, inbox row) is one statement: one round trip and one commit on the partner-call path.
 * The link hash is SHA-256 over the fields as `<byte length>:<text>` concatenated, in a fixed order; broker/ledger
 * recomputes it in JavaScript to verify the chain. The advisory lock serialises appends (one chain order across
 * nodes); inside a PL/pgSQL function each statement sees rows committed before it, so the last link read after the
 * lock is the real last one.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
CREATE OR REPLACE FUNCTION hub_ledger_append(p_at timestamptz, p_partner text, p_operation text, p_direction text, p_message_id text,
  p_case_reference text, p_payload_sha256 text, p_outcome text, p_duration_ms integer, p_attempt integer) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  prev text;
  at_ms timestamptz := date_trunc('milliseconds', p_at);
  fields text[];
  link text;
BEGIN
  PERFORM pg_advisory_xact_lock(7304211);
  SELECT hash INTO prev FROM exchange_ledger ORDER BY seq DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  fields := ARRAY[to_char(at_ms AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), p_partner, p_operation, p_direction, p_message_id,
    coalesce(p_case_reference, ''), p_payload_sha256, p_outcome, coalesce(p_duration_ms::text, ''), coalesce(p_attempt::text, ''), prev];
  SELECT string_agg(octet_length(f)::text || ':' || f, '' ORDER BY i) INTO link FROM unnest(fields) WITH ORDINALITY AS t(f, i);
  link := encode(sha256(convert_to(link, 'UTF8')), 'hex');
  INSERT INTO exchange_ledger (at, partner, operation, direction, message_id, case_reference, payload_sha256, outcome, duration_ms, attempt, prev_hash, hash)
  VALUES (at_ms, p_partner, p_operation, p_direction, p_message_id, p_case_reference, p_payload_sha256, p_outcome, p_duration_ms, p_attempt, prev, link);
  RETURN link;
END $$`);
  await db.raw(`
CREATE OR REPLACE FUNCTION hub_record_delivery(p_outbox_id uuid, p_out_sha256 text, p_duration_ms integer,
  p_in_message_id text, p_in_sha256 text, p_in_outcome text, p_inbox_payload jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  o outbox%ROWTYPE;
  at_ms timestamptz := date_trunc('milliseconds', clock_timestamp());
BEGIN
  UPDATE outbox SET attempts = attempts + 1, status = 'delivered', delivered_at = now(), updated_at = now(), locked_until = NULL
    WHERE id = p_outbox_id RETURNING * INTO o;
  IF NOT FOUND THEN RAISE EXCEPTION 'no outbox message %', p_outbox_id; END IF;
  PERFORM hub_ledger_append(at_ms, o.partner, o.operation, 'out', o.id::text, o.case_reference, p_out_sha256, 'delivered', p_duration_ms, o.attempts);
  INSERT INTO inbox (partner, message_id, operation, case_reference, request_id, reply_action, payload)
    VALUES (o.partner, p_in_message_id, o.operation, o.case_reference, o.request_id, o.reply_action, p_inbox_payload)
    ON CONFLICT (partner, message_id) DO NOTHING;
  PERFORM hub_ledger_append(at_ms, o.partner, o.operation, 'in', p_in_message_id, o.case_reference, p_in_sha256, p_in_outcome, p_duration_ms, o.attempts);
  RETURN o.attempts;
END $$`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP FUNCTION IF EXISTS hub_record_delivery(uuid, text, integer, text, text, text, jsonb)');
  await db.raw('DROP FUNCTION IF EXISTS hub_ledger_append(timestamptz, text, text, text, text, text, text, text, integer, integer)');
}
