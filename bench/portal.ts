import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHub } from '../app/hub';
import { loadConfig } from '../config/load';
import { issueToken, loadOrCreateSigningKeys } from '../portal-adapter/auth';
import { cpuBetween, cpuSnapshot, type CpuSnapshot, type CpuUse } from './cpu-accounting';
import { startProfiler } from './cpu-profile';
import { isLoadReply, type LoadJob, type LoadSummary } from './load-protocol';

export interface PortalBenchOptions {
  databaseUrl: string;
  connections: number;
  hubPool: number;
  warmupSeconds: number;
  durationSeconds: number;
  body: unknown;
  /** Set: a CPU profile of the hub during the load (warm-up and measured run) is written in this directory. */
  profileDir?: string;
}

export interface PortalBenchResult {
  warmup: LoadSummary;
  measured: LoadSummary;
  /** CPU used during the measured run; `self` is the hub (this process). */
  cpu: CpuUse;
}

/** Runs the load generator in a child process and waits for its one answer. */
function runLoadWorker(job: LoadJob): Promise<PortalBenchResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    let measuring: CpuSnapshot | undefined;
    const settle = (fn: () => void): void => { if (!settled) { settled = true; fn(); } };
    child.on('message', (message: unknown) => {
      if (isLoadReply(message) && message.type === 'measuring') {
        measuring = cpuSnapshot();
        return;
      }
      const end = cpuSnapshot();
      settle(() => {
        if (!isLoadReply(message)) reject(new Error('the load worker answered an unknown message'));
        else if (message.type === 'error') reject(new Error(`load worker: ${message.message}`));
        else if (message.type !== 'result' || measuring === undefined) reject(new Error('the load worker answered out of order'));
        else resolve({ warmup: message.warmup, measured: message.measured, cpu: cpuBetween(measuring, end) });
      });
    });
    child.once('error', (err) => settle(() => reject(err)));
    child.once('exit', (code) => settle(() => reject(new Error(`the load worker exited (${code}) without an answer`))));
    child.send(job);
  });
}

/**
 * A real hub in server mode on `databaseUrl` (outbox relay off, no partners, log level warn) on a loopback port,
 * driven with citizen submissions by autocannon in a child process.
 */
export async function runPortalBench(opts: PortalBenchOptions): Promise<PortalBenchResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  try {
    // The environment is not read (`{}`): LOG_LEVEL, PORT… of the shell must not change what is measured.
    const config = loadConfig({
      port: 0, host: '127.0.0.1', dataDir, databaseUrl: opts.databaseUrl, databasePoolMax: opts.hubPool, logLevel: 'warn',
      outbox: { enabled: false }, partners: {},
    }, {});
    const hub = await startHub(config);
    try {
      const keys = await loadOrCreateSigningKeys(path.join(dataDir, 'keys'));
      const token = await issueToken({ privateKeyPem: keys.privateKeyPem, role: 'citizen', sub: 'citizen-amina', ttlSeconds: 24 * 3600 });
      const profiler = opts.profileDir === undefined ? undefined : await startProfiler(opts.profileDir, `hub-${opts.connections}c-${Date.now()}`);
      try {
        return await runLoadWorker({
          type: 'run', url: hub.url, token, body: JSON.stringify(opts.body),
          connections: opts.connections, warmupSeconds: opts.warmupSeconds, durationSeconds: opts.durationSeconds,
        });
      } finally {
        if (profiler) console.log(`bench: hub CPU profile written to ${await profiler.stop()}`);
      }
    } finally {
      await hub.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
