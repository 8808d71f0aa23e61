/**
 * Tables of the scheduler and of scheduled feed readers. To be registered in db/migrate.ts as
 * `002_scheduler`; idempotent (IF NOT EXISTS), so a test may also run it on its own database.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // One row per job and window: the node whose INSERT wins runs the window, the others skip it.
  await db.raw(`CREATE TABLE IF NOT EXISTS scheduler_leases (
    job text NOT NULL,
    window_start timestamptz NOT NULL,
    owner text NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (job, window_start)
  )`);
  await db.raw('CREATE INDEX IF NOT EXISTS scheduler_leases_expiry ON scheduler_leases (expires_at)');
  // Where a scheduled reader of a partner feed stands; advanced only after what it read is stored.
  await db.raw(`CREATE TABLE IF NOT EXISTS feed_cursors (
    partner text NOT NULL,
    feed text NOT NULL,
    cursor text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partner, feed)
  )`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE IF EXISTS feed_cursors');
  await db.raw('DROP TABLE IF EXISTS scheduler_leases');
}
