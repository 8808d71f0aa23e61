import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { cpuBetween, cpuSnapshot, type CpuUse } from './cpu-accounting';
import { quantile } from './stats';

export interface BaselineOptions {
  url: string;
  /** Pool size and number of concurrent workers. */
  concurrency: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** The JSON stored in each row (the bench uses the portal submission body, for a like-sized row). */
  body: unknown;
}

export interface BaselineResult {
  transactions: number;
  seconds: number;
  tps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU used during the measured run; `self` is the bench process (the pg client). */
  cpu: CpuUse;
}

/** One worker: BEGIN; INSERT one row; COMMIT, on its own connection, until `until`. Returns each transaction's ms. */
async function insertLoop(client: PoolClient, body: string, until: number): Promise<number[]> {
  const latencies: number[] = [];
  while (Date.now() < until) {
    const start = performance.now();
    await client.query('BEGIN');
    await client.query('INSERT INTO bench_raw (id, body) VALUES ($1, $2)', [randomUUID(), body]);
    await client.query('COMMIT');
    latencies.push(performance.now() - start);
  }
  return latencies;
}

/**
 * What the database alone sustains: single-row insert transactions from `concurrency` workers on a pool of as many
 * connections, measured for a fixed duration after a warm-up.
 */
export async function runBaseline(opts: BaselineOptions): Promise<BaselineResult> {
  const pool = new Pool({ connectionString: opts.url, max: opts.concurrency });
  try {
    await pool.query('CREATE TABLE bench_raw (id uuid PRIMARY KEY, body jsonb NOT NULL)');
    const body = JSON.stringify(opts.body);
    const clients = await Promise.all(Array.from({ length: opts.concurrency }, () => pool.connect()));
    try {
      await Promise.all(clients.map((c) => insertLoop(c, body, Date.now() + opts.warmupSeconds * 1000)));
      const start = performance.now();
      const before = cpuSnapshot();
      const until = Date.now() + opts.durationSeconds * 1000;
      const perWorker = await Promise.all(clients.map((c) => insertLoop(c, body, until)));
      const cpu = cpuBetween(before, cpuSnapshot());
      const seconds = (performance.now() - start) / 1000;
      const latencies = perWorker.flat().sort((a, b) => a - b);
      return { transactions: latencies.length, seconds, tps: latencies.length / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), cpu };
    } finally {
      for (const c of clients) c.release();
    }
  } finally {
    await pool.end();
  }
}
