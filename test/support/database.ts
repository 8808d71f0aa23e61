import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { openDatabase, type Database } from '../../db/connection';

export interface TestDatabase extends Database {
  /** Settings to give a hub so it uses this same database. */
  settings: { databaseUrl?: string; dataDir: string };
  dispose(): Promise<void>;
}

/** Real PostgreSQL is asked for (CI sets it): a missing server must fail the run, not skip the suites. */
export function realPostgresUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

/**
 * A fresh, migrated database for one suite: a new database on the PostgreSQL server when DATABASE_URL is set,
 * otherwise embedded PGlite in a temporary directory.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const prepared = await prepareHubDatabase();
  const db = await openDatabase({ ...prepared.settings, poolMax: 20 });
  return { ...db, settings: prepared.settings, async dispose() { await db.close(); await prepared.dispose(); } };
}

/** Settings for a hub that opens the database itself (the embedded one allows one opener); nothing is opened here. */
export async function prepareHubDatabase(): Promise<{ settings: { databaseUrl?: string; dataDir: string }; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-e2e-'));
  const serverUrl = realPostgresUrl();
  if (!serverUrl) return { settings: { dataDir }, async dispose() { rmSync(dataDir, { recursive: true, force: true }); } };
  const name = `hub_e2e_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = knex({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = '/' + name;
  return {
    settings: { databaseUrl: url.toString(), dataDir },
    async dispose() {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
