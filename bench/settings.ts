import { hubConfigSchema } from '../config/schema';

/** What one bench run does, from the environment (all optional). */
export interface BenchSettings {
  /** PostgreSQL server; a fresh database `hub_bench_<ts>` is created on it and dropped after. */
  serverUrl: string;
  /** HTTP connections of the load generator, and workers (and pool size) of the raw baseline. */
  connections: number;
  /** PostgreSQL pool of the hub (`databasePoolMax`). */
  hubPool: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** BENCH_CPU_PROFILE: a directory where a CPU profile of the hub under load is written. */
  profileDir?: string;
  /** BENCH_RESULTS_SIZES: records of each NARSA results file, one worker process each. */
  resultsSizes: number[];
  /** BENCH_RESULTS_CHUNK: inbox rows per INSERT statement. */
  resultsChunk: number;
  /** BENCH_RESULTS_HEAP_MB: `--max-old-space-size` of the results workers; unset = Node's default policy. */
  resultsHeapMb?: number;
  /** BENCH_REST_CALLS: measured calls of each kind (direct, through the hub), after 10 of each for warm-up. */
  restCalls: number;
  /** BENCH_REST_SPACING_MS: pause after each call (NARSA allows 10 requests/s). */
  restSpacingMs: number;
  /** BENCH_XML_SIZES: records of each local NARSA results file of the XML batch phase (the first is the memory reference). */
  xmlSizes: number[];
  /** BENCH_XML_RUNS: passes of each kind per file (the figures are their medians). */
  xmlRuns: number;
  /** BENCH_XML_HEAP_MB: `--max-old-space-size` of the streamed XML batch passes (not the whole-document one); unset = Node's default policy. */
  xmlHeapMb?: number;
}

/** 16 connections: the count that showed the highest sustained rate with p99 under 50 ms here (docs/performance.md). */
export const DEFAULT_CONNECTIONS = 16;
/** The hub's own default (`databasePoolMax`): the bench measures the configuration a deployment gets. */
export const DEFAULT_HUB_POOL: number = hubConfigSchema.properties.databasePoolMax.default;

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function sizes(env: NodeJS.ProcessEnv, name: string, fallback: string): number[] {
  return (env[name] || fallback).split(',').map((v) => positiveInt({ [name]: v.trim() || 'missing' }, name, 1));
}

export function benchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  return {
    serverUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    connections: positiveInt(env, 'BENCH_CONNECTIONS', DEFAULT_CONNECTIONS),
    hubPool: positiveInt(env, 'BENCH_HUB_POOL', DEFAULT_HUB_POOL),
    warmupSeconds: positiveInt(env, 'BENCH_WARMUP_SECONDS', 3),
    durationSeconds: positiveInt(env, 'BENCH_DURATION_SECONDS', 10),
    ...(env.BENCH_CPU_PROFILE ? { profileDir: env.BENCH_CPU_PROFILE } : {}),
    resultsSizes: (env.BENCH_RESULTS_SIZES || '50000,200000').split(',').map((v) => positiveInt({ BENCH_RESULTS_SIZES: v.trim() || 'missing' }, 'BENCH_RESULTS_SIZES', 1)),
    resultsChunk: positiveInt(env, 'BENCH_RESULTS_CHUNK', 1000),
    ...(env.BENCH_RESULTS_HEAP_MB ? { resultsHeapMb: positiveInt(env, 'BENCH_RESULTS_HEAP_MB', 1) } : {}),
    restCalls: positiveInt(env, 'BENCH_REST_CALLS', 100),
    restSpacingMs: positiveInt(env, 'BENCH_REST_SPACING_MS', 120),
    xmlSizes: sizes(env, 'BENCH_XML_SIZES', '20000,100000'),
    xmlRuns: positiveInt(env, 'BENCH_XML_RUNS', 3),
    ...(env.BENCH_XML_HEAP_MB ? { xmlHeapMb: positiveInt(env, 'BENCH_XML_HEAP_MB', 1) } : {}),
  };
}
