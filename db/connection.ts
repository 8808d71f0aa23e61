import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { types } from 'pg';
import { runMigrations } from './migrate';

// bigint counters (attempts, sequences) fit in a JS number; read them as numbers on both drivers.
types.setTypeParser(types.builtins.INT8, (v: string) => Number(v));

export interface DatabaseSettings {
  databaseUrl?: string;
  dataDir: string;
  poolMax?: number;
}

export interface Database {
  knex: Knex;
  /** `postgres` for a server, `pglite` for the embedded one-connection database. */
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** PostgreSQL when a URL is given, otherwise embedded PGlite under `<dataDir>/pgdata`; migrated before use. */
export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  let instance: Knex;
  let kind: Database['kind'];
  if (settings.databaseUrl) {
    kind = 'postgres';
    instance = knex({ client: 'pg', connection: settings.databaseUrl, pool: { min: 0, max: settings.poolMax ?? 10 } });
  } else {
    kind = 'pglite';
    const dir = path.join(settings.dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    instance = knex({ client: ClientPgLite, dialect: 'postgres', connection: { filename: dir } } as Knex.Config);
  }
  await runMigrations(instance);
  return { knex: instance, kind, close: () => instance.destroy() };
}
