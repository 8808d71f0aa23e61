import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.raw('CREATE SEQUENCE IF NOT EXISTS request_reference_seq');

  await db.schema.createTable('requests', (t) => {
    t.uuid('id').primary();
    t.text('reference').notNullable().unique();
    t.text('service').notNullable();
    t.text('post').notNullable();
    t.text('status').notNullable();
    t.text('owner_sub').notNullable();
    t.jsonb('applicant').notNullable();
    t.jsonb('data').notNullable();
    t.jsonb('results').notNullable().defaultTo('{}'); // partner outcomes the service keeps (e.g. the licence verification)
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['post', 'status', 'created_at']);
    t.index(['owner_sub', 'created_at']);
  });

  await db.schema.createTable('request_history', (t) => {
    t.bigIncrements('id');
    t.uuid('request_id').notNullable().references('requests.id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('status').notNullable();
    t.text('actor').notNullable();
    t.text('note');
    t.index(['request_id', 'id']);
  });

  await db.schema.createTable('idempotency_keys', (t) => {
    t.text('owner_sub').notNullable();
    t.text('key').notNullable();
    t.text('body_sha256').notNullable();
    // Deferred: the key is claimed first, so a concurrent twin waits on it before any request row exists.
    t.uuid('request_id').notNullable().references('requests.id').deferrable('deferred');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['owner_sub', 'key']);
  });

  await db.schema.createTable('documents', (t) => {
    t.uuid('id').primary();
    t.uuid('request_id').notNullable().references('requests.id');
    t.text('kind').notNullable();
    t.text('filename').notNullable();
    t.text('content_type').notNullable();
    t.binary('content').notNullable();
    t.text('sha256').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    // A replayed or repeated `issue` can never produce a second document of the same kind.
    t.unique(['request_id', 'kind']);
  });

  await db.schema.createTable('outbox', (t) => {
    t.uuid('id').primary(); // the message id the partner sees, stable across retries
    t.uuid('request_id').references('requests.id');
    t.text('case_reference').notNullable();
    t.text('partner').notNullable();
    t.text('operation').notNullable();
    t.jsonb('payload').notNullable();
    t.text('reply_action');
    t.text('correlation_id');
    t.text('status').notNullable().defaultTo('pending'); // pending | in-flight | queued | delivered | dead
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('locked_until', { useTz: true });
    t.text('last_error_code');
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.index(['request_id']);
  });
  await db.raw(`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'in-flight', 'queued')`);

  await db.schema.createTable('inbox', (t) => {
    t.bigIncrements('id');
    t.text('partner').notNullable();
    t.text('message_id').notNullable();
    t.text('operation').notNullable();
    t.text('case_reference');
    t.uuid('request_id');
    t.text('reply_action');
    t.jsonb('payload').notNullable();
    t.text('status').notNullable().defaultTo('received'); // received | processed | quarantined
    t.text('error');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('processed_at', { useTz: true });
    t.unique(['partner', 'message_id']);
  });
  await db.raw(`CREATE INDEX inbox_pending ON inbox (id) WHERE status = 'received'`);

  await db.schema.createTable('exchange_ledger', (t) => {
    t.bigIncrements('seq');
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('partner').notNullable();
    t.text('operation').notNullable();
    t.text('direction').notNullable(); // out | in
    t.text('message_id').notNullable();
    t.text('case_reference');
    t.text('payload_sha256').notNullable();
    t.text('outcome').notNullable();
    t.integer('duration_ms');
    t.integer('attempt');
    t.text('prev_hash').notNullable();
    t.text('hash').notNullable();
    t.index(['case_reference']);
  });
  // Append-only: the application role may insert, never change history.
  await db.raw(`CREATE FUNCTION exchange_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'exchange_ledger is append-only'; END $$`);
  await db.raw(`CREATE TRIGGER exchange_ledger_no_update BEFORE UPDATE OR DELETE ON exchange_ledger
    FOR EACH ROW EXECUTE FUNCTION exchange_ledger_append_only()`);

  await db.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.text('actor').notNullable();
    t.text('role').notNullable();
    t.text('action').notNullable();
    t.text('subject'); // request id, never personal data
    t.text('correlation_id');
    t.text('outcome').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of ['audit_log', 'exchange_ledger', 'inbox', 'outbox', 'documents', 'idempotency_keys', 'request_history', 'requests']) {
    await db.schema.dropTableIfExists(table);
  }
  await db.raw('DROP FUNCTION IF EXISTS exchange_ledger_append_only() CASCADE');
  await db.raw('DROP SEQUENCE IF EXISTS request_reference_seq');
}
