/**
 * Issue 4 (b): a NARSA results file parsed and mapped record by record from local disk (no SFTP: the network leg is
 * measured by the results batch phase), against two baselines on the same file in the same run: a saxes scan that
 * builds nothing, and fast-xml-parser on the whole document in memory. For each size the file is generated into a
 * temporary folder (bench/results-file.ts, the sandbox's own `Result` XML), then each pass runs in a fresh forked
 * process (its own memory peak), the three passes interleaved, `runs` times; the figures are the medians.
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeResultsFile } from './results-file';
import { isXmlBatchReply, type XmlBatchJob, type XmlBatchMode, type XmlBatchSummary } from './xml-batch-protocol';

export const XML_BATCH_MODES: readonly XmlBatchMode[] = ['stream', 'scan', 'whole'];

export interface XmlBatchFigures {
  mode: XmlBatchMode;
  records: number;
  megabytes: number;
  runs: number;
  /** Medians over the runs (each figure on its own). */
  recordsPerSecond: number;
  megabytesPerSecond: number;
  recordsPerCpuSecond: number;
  peakRssMb: number;
  maxRssMb: number;
  startRssMb: number;
  peakHeapUsedMb: number;
}

export interface XmlBatchResult {
  figures: XmlBatchFigures[];
  /** 1-minute load average when the phase started and ended (2 cores: above 2, the passes shared the CPU). */
  loadAverage: { start: number; end: number };
}

function runWorker(job: XmlBatchJob, profileDir?: string, heapMb?: number): Promise<XmlBatchSummary> {
  return new Promise((resolve, reject) => {
    const execArgv = [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])];
    const child = fork(path.join(__dirname, 'xml-batch-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    let settled = false;
    const settle = (f: () => void): void => { if (!settled) { settled = true; f(); } };
    child.on('message', (message: unknown) => {
      if (!isXmlBatchReply(message)) return;
      settle(() => (message.type === 'result' ? resolve(message.summary) : reject(new Error(`XML batch worker: ${message.message}`))));
    });
    child.on('error', (err) => settle(() => reject(err)));
    child.on('exit', (code) => settle(() => reject(new Error(`XML batch worker exited with ${code} before answering`))));
    child.send(job);
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** `heapMb` caps the old space of the streamed passes only: the whole-document baseline needs more than the file's size. */
export async function runXmlBatchBench(opts: { sizes: number[]; runs: number; profileDir?: string; heapMb?: number; log(line: string): void }): Promise<XmlBatchResult> {
  const loadStart = os.loadavg()[0];
  const root = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-xml-'));
  const figures: XmlBatchFigures[] = [];
  try {
    mkdirSync(path.join(root, 'retour'));
    for (const [i, size] of opts.sizes.entries()) {
      const file = await writeResultsFile(root, i + 1, size);
      const megabytes = file.bytes / 1e6;
      opts.log(`${file.name}: ${size} records, ${megabytes.toFixed(1)} MB generated in ${file.seconds.toFixed(1)} s`);
      const summaries = new Map<XmlBatchMode, XmlBatchSummary[]>(XML_BATCH_MODES.map((m) => [m, []]));
      for (let run = 1; run <= opts.runs; run++) {
        for (const mode of XML_BATCH_MODES) {
          const s = await runWorker({ type: 'xml-batch-job', mode, path: file.path, records: size, receivedAt: '2026-11-27T02:10:00+01:00' }, opts.profileDir, mode === 'whole' ? undefined : opts.heapMb);
          summaries.get(mode)?.push(s);
          opts.log(`  run ${run} ${mode.padEnd(6)}: ${Math.round(size / s.seconds)} records/s, ${(megabytes / s.seconds).toFixed(1)} MB/s, peak RSS ${s.peakRssMb.toFixed(1)} MB (before ${s.startRssMb.toFixed(1)} MB)`);
        }
      }
      for (const mode of XML_BATCH_MODES) {
        const runs = summaries.get(mode) ?? [];
        figures.push({
          mode, records: size, megabytes, runs: runs.length,
          recordsPerSecond: median(runs.map((s) => size / s.seconds)),
          megabytesPerSecond: median(runs.map((s) => megabytes / s.seconds)),
          recordsPerCpuSecond: median(runs.map((s) => size / s.cpuSeconds)),
          peakRssMb: median(runs.map((s) => s.peakRssMb)),
          maxRssMb: median(runs.map((s) => s.maxRssMb)),
          startRssMb: median(runs.map((s) => s.startRssMb)),
          peakHeapUsedMb: median(runs.map((s) => s.peakHeapUsedMb)),
        });
      }
      rmSync(file.path, { force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { figures, loadAverage: { start: loadStart, end: os.loadavg()[0] } };
}
