import type { Knex } from 'knex';
import * as initial from './migrations/001_initial';
import * as sftpProcessedFiles from './migrations/002_sftp_processed_files';
import { schedulerMigration } from '../broker/scheduler';
import * as ledgerFunctions from './migrations/004_ledger_functions';
import * as narsaBatches from './migrations/040_narsa_batches';
import * as registrations from './migrations/020_registrations';
import * as justiceLotListings from './migrations/050_justice_lot_listings';
import * as registrationOwner from './migrations/060_registration_owner';

/**
 * Migrations are listed here rather than discovered on disk, so the same list runs from sources (tests)
 * and from dist/ (start), on PGlite and on PostgreSQL.
 */
const migrations: Record<string, Knex.Migration> = {
  '001_initial': initial,
  '002_sftp_processed_files': sftpProcessedFiles,
  '003_scheduler_leases_and_feed_cursors': schedulerMigration,
  '004_ledger_functions': ledgerFunctions,
  '040_narsa_batches': narsaBatches,
  '020_registrations': registrations,
  '050_justice_lot_listings': justiceLotListings,
  '060_registration_owner': registrationOwner,
};

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

export async function runMigrations(db: Knex): Promise<void> {
  // Several nodes may start at once: knex's migration lock table serialises them.
  await db.migrate.latest({ migrationSource: source, tableName: 'knex_migrations' });
}
