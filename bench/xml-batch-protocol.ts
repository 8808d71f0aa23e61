/** Messages between bench/xml-batch-bench.ts and its worker (bench/xml-batch-worker.ts), one job per process. */

/**
 * stream: what the hub does with a local results file (read stream → saxes record by record → readNarsaResult →
 *   the licence-result.in mapping, validation included);
 * scan: saxes over the same read stream, counting `Result` elements, no object built (the parser's own cost);
 * whole: the whole file read into one string and parsed by fast-xml-parser into one object tree (no mapping).
 */
export type XmlBatchMode = 'stream' | 'scan' | 'whole';

export interface XmlBatchJob {
  type: 'xml-batch-job';
  mode: XmlBatchMode;
  path: string;
  /** Records the file holds: the run fails unless the worker finds (and, for stream, maps) exactly these. */
  records: number;
  receivedAt: string;
}

export interface XmlBatchSummary {
  mode: XmlBatchMode;
  records: number;
  seconds: number;
  cpuSeconds: number;
  /** Resident set before the file (after start-up: modules loaded, mapping set compiled). */
  startRssMb: number;
  /** High-water mark of `process.memoryUsage().rss` sampled every 20 ms, and the kernel's (`maxRSS`). */
  peakRssMb: number;
  maxRssMb: number;
  peakHeapUsedMb: number;
}

export type XmlBatchReply = { type: 'result'; summary: XmlBatchSummary } | { type: 'error'; message: string };

export function isXmlBatchJob(message: unknown): message is XmlBatchJob {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'xml-batch-job';
}

export function isXmlBatchReply(message: unknown): message is XmlBatchReply {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return type === 'result' || type === 'error';
}
