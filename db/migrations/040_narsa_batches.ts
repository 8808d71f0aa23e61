import type { Knex } from 'knex';

/**
 * NARSA's batches (app/narsa-batches): which requests went in which nightly VERIF file, the files themselves
 * (sequence per post and day, upload state), and the daily ATTEST notices sent (one per day, never twice).
 * No personal data here: the records are rendered from `requests` when a file is written.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('narsa_verification_files', (t) => {
    t.text('file_name').primary(); // VERIF_<POST>_<yyyyMMdd>_<nnn>.xml
    t.text('post').notNullable();
    t.text('night').notNullable(); // yyyy-MM-dd, the day of the name (Africa/Casablanca); text: no driver time-zone games
    t.integer('sequence').notNullable();
    t.integer('request_count').notNullable();
    t.text('status').notNullable().defaultTo('claimed'); // claimed | uploaded
    t.text('sha256');
    t.integer('bytes');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('uploaded_at', { useTz: true });
    t.unique(['post', 'night', 'sequence']);
  });
  await db.schema.createTable('narsa_verification_requests', (t) => {
    // One file per request, ever: a request is never sent to NARSA's batch twice.
    t.uuid('request_id').primary().references('requests.id');
    t.text('file_name').notNullable().references('narsa_verification_files.file_name');
    t.integer('seq').notNullable();
    t.text('reason').notNullable(); // standard | real-time-down | real-time-gave-up | no-real-time-message
    t.unique(['file_name', 'seq']);
  });
  await db.schema.createTable('narsa_attestation_notices', (t) => {
    t.text('day').primary(); // yyyy-MM-dd, Africa/Casablanca
    t.text('file_name').notNullable();
    t.integer('rows').notNullable();
    t.text('sha256').notNullable();
    t.timestamp('sent_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of ['narsa_attestation_notices', 'narsa_verification_requests', 'narsa_verification_files']) await db.schema.dropTableIfExists(table);
}
