import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load';
import { openDatabase, type Database } from '../db/connection';

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** The hub's database for a CLI command. The embedded one is single-process: refuse while a hub holds it. */
export async function openHubDatabase(): Promise<Database> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    const runFile = path.join(config.dataDir, 'run', 'hub.json');
    if (existsSync(runFile)) {
      const run = JSON.parse(readFileSync(runFile, 'utf8')) as { pid?: number; embeddedDatabase?: boolean };
      if (run.embeddedDatabase && typeof run.pid === 'number' && run.pid !== process.pid && isAlive(run.pid)) {
        throw new Error(`the embedded database under ${config.dataDir} is in use by the running hub (pid ${run.pid}); stop it first, or use DATABASE_URL`);
      }
    }
  }
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}
