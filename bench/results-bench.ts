/**
 * Issue 3: the NARSA results batch. The NARSA SFTP sandbox runs in this process; for each file size a results
 * file is written into its `/retour`, a fresh migrated database is created, and a forked worker
 * (bench/results-worker.ts) takes the file in with the hub's SFTP connector: download + streamed parse + map +
 * persist into the inbox. One process per size, so the memory peaks are independent.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { runMigrations } from '../db/migrate';
import { startNarsaSftpSandbox } from '../sandbox/narsa';
import { createBenchDatabase } from './database';
import { writeResultsFile, type WrittenFile } from './results-file';
import { isResultsReply, type ResultsJob, type ResultsSummary } from './results-protocol';
import { generateSshKeyPair } from '../connectors/sftp/key-pair';

export interface ResultsRun { file: WrittenFile; summary: ResultsSummary; recordsPerSecond: number }

function runWorker(job: ResultsJob, profileDir?: string, heapMb?: number): Promise<ResultsSummary> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROFILE: a V8 CPU profile of each worker (whole run: start-up, the file, the extra passes).
    // BENCH_RESULTS_HEAP_MB: --max-old-space-size of the worker (default: Node's own policy).
    const execArgv = [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])];
    const child = fork(path.join(__dirname, 'results-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    let settled = false;
    child.on('message', (message: unknown) => {
      if (!isResultsReply(message) || settled) return;
      settled = true;
      if (message.type === 'result') resolve(message.summary);
      else reject(new Error(`results worker: ${message.message}`));
    });
    child.on('error', (err) => { if (!settled) { settled = true; reject(err); } });
    child.on('exit', (code) => { if (!settled) { settled = true; reject(new Error(`results worker exited with ${code} before answering`)); } });
    child.send(job);
  });
}

export async function runResultsBench(opts: { serverUrl: string; sizes: number[]; chunkSize: number; profileDir?: string; heapMb?: number; log(line: string): void }): Promise<ResultsRun[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-narsa-sftp-'));
  try {
    const pair = generateSshKeyPair('hub-bench');
    const privateKeyPath = path.join(dataDir, 'hub_ed25519');
    writeFileSync(privateKeyPath, pair.private, { mode: 0o600 });
    const sandbox = await startNarsaSftpSandbox({ dataDir, hubPublicKey: pair.public });
    const runs: ResultsRun[] = [];
    try {
      for (const [i, size] of opts.sizes.entries()) {
        const file = await writeResultsFile(sandbox.root, i + 1, size);
        opts.log(`${file.name}: ${size} records, ${(file.bytes / 1e6).toFixed(1)} MB written in ${file.seconds.toFixed(1)} s`);
        const db = await createBenchDatabase(opts.serverUrl);
        try {
          const admin = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 1 } });
          try { await runMigrations(admin); } finally { await admin.destroy(); }
          const summary = await runWorker({
            type: 'results-job', databaseUrl: db.url, fileName: file.name, chunkSize: opts.chunkSize, receivedAt: new Date().toISOString(),
            sftp: { host: sandbox.host, port: sandbox.port, username: sandbox.username, privateKeyPath, hostKeySha256: sandbox.hostKeyFingerprint },
          }, opts.profileDir, opts.heapMb);
          if (summary.outcome !== 'processed' || summary.records !== size || summary.inserted !== size || summary.mapFailures > 0 || summary.quarantined > 0) {
            throw new Error(`${file.name}: ${JSON.stringify(summary)}`);
          }
          runs.push({ file, summary, recordsPerSecond: size / summary.seconds });
          opts.log(`${file.name}: ${Math.round(size / summary.seconds)} records/s, peak RSS ${summary.peakRssMb.toFixed(0)} MB (maxRSS ${summary.maxRssMb.toFixed(0)} MB)`);
        } finally {
          await db.drop();
          await rm(file.path, { force: true });
          await rm(`${file.path}.sha256`, { force: true });
        }
      }
    } finally {
      await sandbox.close();
    }
    return runs;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
