/** Messages between the bench and bench/results-worker.ts (one job, one reply). */
export interface ResultsJob {
  type: 'results-job';
  databaseUrl: string;
  sftp: { host: string; port: number; username: string; privateKeyPath: string; hostKeySha256: string };
  fileName: string;
  chunkSize: number;
  receivedAt: string;
}

export interface ResultsSummary {
  outcome: string;
  records: number;
  quarantined: number;
  mapFailures: number;
  inserted: number;
  duplicates: number;
  /** Download (digest pass + streamed pass) + parse + map + persist, wall clock. */
  seconds: number;
  mapSeconds: number;
  /** Time the inbox statements took (they overlap the reading of the next chunk). */
  persistSeconds: number;
  /** Of it, the time the reading waited for the database (the previous chunk still being written). */
  persistWaitSeconds: number;
  /** One more digest pass over the same file after the measurement: what one download costs alone. */
  downloadPassSeconds: number;
  /** The same file downloaded with ssh2's fastGet, 8 reads of 64 kB in flight, into a local file. */
  pipelinedDownloadSeconds: number;
  /** Read + parse + readNarsaResult + map of the local copy: no network, no database. */
  parseMapSeconds: number;
  /** CPU of the worker process during the measured run. */
  cpuSeconds: number;
  startRssMb: number;
  /** High-water mark of `process.memoryUsage().rss`, sampled every 50 ms. */
  peakRssMb: number;
  /** `process.resourceUsage().maxRSS`, the kernel's high-water mark for the process. */
  maxRssMb: number;
  heapUsedMb: number;
  /** High-water marks of the V8 heap reserved (`heapTotal`) and of memory outside it (`external`: Buffers…), same sampling. */
  peakHeapTotalMb: number;
  peakExternalMb: number;
}

export type ResultsReply = { type: 'result'; summary: ResultsSummary } | { type: 'error'; message: string };

export function isResultsJob(value: unknown): value is ResultsJob {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'results-job';
}

export function isResultsReply(value: unknown): value is ResultsReply {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return type === 'result' || type === 'error';
}
