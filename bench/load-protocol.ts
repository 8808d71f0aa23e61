/** Messages between the bench (parent) and the load generator (child process, `load-worker.ts`). */

export interface LoadJob {
  type: 'run';
  /** Where the portal listens, e.g. http://127.0.0.1:41234 */
  url: string;
  token: string;
  /** The JSON body of each submission. */
  body: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadSummary {
  seconds: number;
  /** Answers with a 2xx status. */
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Count per HTTP status code. */
  statusCodes: Record<string, number>;
  /** 2xx answers per second over the run. */
  rps: number;
  /** Answers in the slowest one-second sample of the run: how steady the rate was. */
  slowestSecond: number;
  latencyMs: { mean: number; p50: number; p90: number; p97_5: number; p99: number; max: number };
  /** CPU seconds the load generator itself used during this run. */
  cpuSeconds: number;
}

export type LoadReply =
  /** Sent when the warm-up is over and the measured run starts. */
  | { type: 'measuring' }
  | { type: 'result'; warmup: LoadSummary; measured: LoadSummary }
  | { type: 'error'; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isLoadJob(value: unknown): value is LoadJob {
  return isObject(value) && value.type === 'run' && typeof value.url === 'string' && typeof value.token === 'string'
    && typeof value.body === 'string' && typeof value.connections === 'number'
    && typeof value.warmupSeconds === 'number' && typeof value.durationSeconds === 'number';
}

export function isLoadReply(value: unknown): value is LoadReply {
  return isObject(value) && (value.type === 'measuring' || (value.type === 'result' && isObject(value.measured) && isObject(value.warmup))
    || (value.type === 'error' && typeof value.message === 'string'));
}
