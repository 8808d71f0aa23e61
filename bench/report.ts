import { writeFileSync } from 'node:fs';
import type { BaselineResult } from './baseline';
import type { CpuUse } from './cpu-accounting';
import type { LoadSummary } from './load-protocol';
import { round } from './stats';

/**
 * One line of bench/results.json. `baseline` is what `value` is compared with (the raw database rate for the
 * throughput row, the target for target rows, null when there is nothing to compare with) and `ratio` is
 * value / baseline (null without a baseline).
 */
export interface ResultRow {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

export interface TargetCheck {
  target: string;
  actual: string;
  met: boolean;
}

export const TARGET_RPS = 1000;
export const TARGET_P99_MS = 50;
export const TARGET_BASELINE_RATIO = 0.5;

export function row(name: string, value: number, unit: string, baseline: number | null = null): ResultRow {
  const ratio = baseline === null || baseline === 0 ? null : round(value / baseline, 3);
  return { name, value: round(value), unit, baseline: baseline === null ? null : round(baseline), ratio };
}

/** CPU per operation (µs) of each party during a measured run; `other` is what ran outside the bench. */
export interface CpuBreakdown {
  phase: string;
  opsPerSecond: number;
  /** Share of the machine's cores busy (0..1), whoever used them. */
  busy?: number;
  client: number;
  /** Of `client`, the time in the kernel. */
  clientKernel: number;
  postgres: number;
  loadGenerator?: number;
  other?: number;
  /** Share of the machine's cores (0..1) used by processes outside the bench: above a few % the figures are disturbed. */
  otherShare?: number;
}

/** Above this share of the machine used by other processes, the run is flagged as disturbed. */
export const DISTURBED_SHARE = 0.05;

export function cpuBreakdown(phase: string, ops: number, cpu: CpuUse, seconds: number, loadGeneratorSeconds?: number): CpuBreakdown {
  const per = (s: number): number => (ops > 0 ? (s * 1e6) / ops : 0);
  const ours = cpu.self + cpu.postgres + (loadGeneratorSeconds ?? 0);
  return {
    phase, opsPerSecond: seconds > 0 ? ops / seconds : 0,
    ...(cpu.machine !== undefined && cpu.capacity
      ? { busy: cpu.machine / cpu.capacity, other: per(Math.max(0, cpu.machine - ours)), otherShare: Math.max(0, cpu.machine - ours) / cpu.capacity }
      : {}),
    client: per(cpu.self), clientKernel: per(cpu.selfSystem), postgres: per(cpu.postgres),
    ...(loadGeneratorSeconds === undefined ? {} : { loadGenerator: per(loadGeneratorSeconds) }),
  };
}

export function cpuRows(raw: CpuBreakdown, portal: CpuBreakdown): ResultRow[] {
  return [
    row('raw insert CPU per transaction: client', raw.client, 'µs'),
    row('raw insert CPU per transaction: PostgreSQL', raw.postgres, 'µs'),
    row('portal CPU per submission: hub', portal.client, 'µs'),
    row('portal CPU per submission: hub, in the kernel', portal.clientKernel, 'µs'),
    row('portal CPU per submission: PostgreSQL', portal.postgres, 'µs', raw.postgres),
    ...(portal.loadGenerator === undefined ? [] : [row('portal CPU per submission: load generator', portal.loadGenerator, 'µs')]),
    ...(portal.busy === undefined ? [] : [row('machine CPU busy during portal run', 100 * portal.busy, '%')]),
    ...(raw.otherShare === undefined ? [] : [row('machine CPU used outside the bench during raw insert run', 100 * raw.otherShare, '%')]),
    ...(portal.otherShare === undefined ? [] : [row('machine CPU used outside the bench during portal run', 100 * portal.otherShare, '%')]),
  ];
}

export function resultRows(raw: BaselineResult, portal: LoadSummary): ResultRow[] {
  return [
    row('raw insert transactions', raw.tps, 'tx/s'),
    row('raw insert latency p50', raw.p50Ms, 'ms'),
    row('raw insert latency p99', raw.p99Ms, 'ms'),
    row('portal submissions', portal.rps, 'req/s', raw.tps),
    row('portal submissions vs target', portal.rps, 'req/s', TARGET_RPS),
    row('portal submissions, slowest second', portal.slowestSecond, 'req/s', TARGET_RPS),
    row('portal latency p50', portal.latencyMs.p50, 'ms'),
    row('portal latency p99', portal.latencyMs.p99, 'ms', TARGET_P99_MS),
    row('portal non-2xx answers', portal.non2xx, 'count'),
  ];
}

export const TARGET_MAPPING_RPS = 500_000;
export const TARGET_MAPPING_VS_JSONATA = 10;

/** Issue 4: the compiled NARSA record mapping against its target and against JSONata in the same run. */
export function mappingRows(m: { compiledPerSecond: number; compiledPerCpuSecond: number; jsonataPerSecond: number; runs: number }): ResultRow[] {
  return [
    row(`NARSA result record mapping, compiled (median of ${m.runs})`, m.compiledPerSecond, 'records/s', m.jsonataPerSecond),
    row('NARSA result record mapping, compiled vs target', m.compiledPerSecond, 'records/s', TARGET_MAPPING_RPS),
    row('NARSA result record mapping, compiled, per CPU second', m.compiledPerCpuSecond, 'records/s', TARGET_MAPPING_RPS),
    row('NARSA result record mapping, JSONata', m.jsonataPerSecond, 'records/s'),
  ];
}

export function mappingChecks(m: { compiledPerSecond: number; jsonataPerSecond: number }): TargetCheck[] {
  const ratio = m.jsonataPerSecond > 0 ? m.compiledPerSecond / m.jsonataPerSecond : 0;
  return [
    { target: `≥ ${TARGET_MAPPING_RPS} mapped records/s`, actual: `${round(m.compiledPerSecond)} records/s`, met: m.compiledPerSecond >= TARGET_MAPPING_RPS },
    { target: `≥ ${TARGET_MAPPING_VS_JSONATA} × JSONata`, actual: `${round(ratio, 1)} × (${round(m.jsonataPerSecond)} records/s)`, met: ratio >= TARGET_MAPPING_VS_JSONATA },
  ];
}

export function targetChecks(raw: BaselineResult, portal: LoadSummary): TargetCheck[] {
  const ratio = raw.tps > 0 ? portal.rps / raw.tps : 0;
  return [
    { target: `≥ ${TARGET_RPS} submissions/s sustained`, actual: `${round(portal.rps)} req/s`, met: portal.rps >= TARGET_RPS },
    { target: `p99 < ${TARGET_P99_MS} ms`, actual: `${portal.latencyMs.p99} ms`, met: portal.latencyMs.p99 < TARGET_P99_MS },
    { target: `≥ ${TARGET_BASELINE_RATIO} × raw insert tx/s`, actual: `${round(ratio, 3)} × (${round(raw.tps)} tx/s)`, met: ratio >= TARGET_BASELINE_RATIO },
  ];
}

export const TARGET_RESULTS_RPS = 20_000;
export const TARGET_RESULTS_PEAK_MB = 250;
export const TARGET_RESULTS_PEAK_GROWTH = 1.1;

/** Issue 3: the NARSA results batch, one file per worker process. */
export interface ResultsFigures {
  records: number;
  megabytes: number;
  recordsPerSecond: number;
  peakRssMb: number;
  maxRssMb: number;
  startRssMb: number;
  peakHeapTotalMb: number;
  peakExternalMb: number;
  cpuSeconds: number;
  seconds: number;
  mapSeconds: number;
  persistSeconds: number;
  persistWaitSeconds: number;
  downloadPassSeconds: number;
  pipelinedDownloadSeconds: number;
  parseMapSeconds: number;
}

export function resultsRows(runs: ResultsFigures[]): ResultRow[] {
  const smallest = runs[0];
  return runs.flatMap((r) => {
    const n = `NARSA results ${r.records}`;
    return [
      row(`${n}: download + parse + map + persist`, r.recordsPerSecond, 'records/s', TARGET_RESULTS_RPS),
      row(`${n}: peak RSS (sampled every 50 ms)`, r.peakRssMb, 'MB', TARGET_RESULTS_PEAK_MB),
      ...(r === smallest ? [] : [row(`${n}: peak RSS vs ${smallest.records}`, r.peakRssMb, 'MB', smallest.peakRssMb)]),
      row(`${n}: maxRSS (resourceUsage)`, r.maxRssMb, 'MB'),
      row(`${n}: RSS before the file`, r.startRssMb, 'MB'),
      row(`${n}: peak V8 heap reserved (heapTotal)`, r.peakHeapTotalMb, 'MB'),
      row(`${n}: peak memory outside the heap (external)`, r.peakExternalMb, 'MB'),
      row(`${n}: file size`, r.megabytes, 'MB'),
      row(`${n}: wall time`, r.seconds, 's'),
      row(`${n}: worker CPU`, r.cpuSeconds, 's', r.seconds),
      row(`${n}: mapping time`, r.mapSeconds, 's', r.seconds),
      row(`${n}: inbox INSERT statements (overlapped)`, r.persistSeconds, 's', r.seconds),
      row(`${n}: waiting for the inbox INSERT`, r.persistWaitSeconds, 's', r.seconds),
      row(`${n}: one download pass as the connector reads (it reads twice)`, r.downloadPassSeconds, 's', r.seconds),
      row(`${n}: one download pass, 8 reads in flight (fastGet)`, r.pipelinedDownloadSeconds, 's', r.downloadPassSeconds),
      row(`${n}: parse + read + map of a local copy`, r.parseMapSeconds, 's', r.seconds),
    ];
  });
}

export function resultsChecks(runs: ResultsFigures[]): TargetCheck[] {
  const smallest = runs[0];
  return runs.flatMap((r) => [
    { target: `≥ ${TARGET_RESULTS_RPS} records/s, ${r.records}-record file`, actual: `${round(r.recordsPerSecond)} records/s`, met: r.recordsPerSecond >= TARGET_RESULTS_RPS },
    { target: `peak RSS < ${TARGET_RESULTS_PEAK_MB} MB, ${r.records}-record file`, actual: `${round(r.peakRssMb)} MB (maxRSS ${round(r.maxRssMb)} MB)`, met: r.peakRssMb < TARGET_RESULTS_PEAK_MB && r.maxRssMb < TARGET_RESULTS_PEAK_MB },
    ...(r === smallest ? [] : [{
      target: `peak RSS within 10 % of the ${smallest.records}-record file, ${r.records}-record file`,
      actual: `${round(r.peakRssMb / smallest.peakRssMb, 3)} × (${round(smallest.peakRssMb)} MB)`,
      met: r.peakRssMb <= TARGET_RESULTS_PEAK_GROWTH * smallest.peakRssMb,
    }]),
  ]);
}

export const TARGET_REST_ADDED_MS = 2;

export interface RestFigures {
  calls: number;
  directMs: { p50: number; p90: number };
  hubMs: { p50: number; p90: number };
  addedMs: number;
  partsMs: { claim: number; partnerCall: number; store: number };
  statementsPerCheck: number;
  roundTripMs: number;
  commitMs: number;
}

export function restRows(r: RestFigures): ResultRow[] {
  return [
    row('NARSA licence check, direct node:https, p50', r.directMs.p50, 'ms'),
    row('NARSA licence check, direct node:https, p90', r.directMs.p90, 'ms'),
    row('NARSA licence check through the hub, p50', r.hubMs.p50, 'ms', r.directMs.p50),
    row('NARSA licence check through the hub, p90', r.hubMs.p90, 'ms', r.directMs.p90),
    row('NARSA licence check, hub added latency (p50 − p50)', r.addedMs, 'ms', TARGET_REST_ADDED_MS),
    row('hub path p50: relay claim', r.partsMs.claim, 'ms'),
    row('hub path p50: REST connector call', r.partsMs.partnerCall, 'ms', r.directMs.p50),
    row('hub path p50: delivery transaction (ledger, inbox, delivered)', r.partsMs.store, 'ms'),
    row('hub path: SQL statements per check', r.statementsPerCheck, 'count'),
    row('PostgreSQL round trip (SELECT 1), p50', r.roundTripMs, 'ms'),
    row('PostgreSQL one-row INSERT committed, p50', r.commitMs, 'ms'),
    row('NARSA licence check calls measured, each kind', r.calls, 'count'),
  ];
}

export function restChecks(r: RestFigures): TargetCheck[] {
  return [{ target: `hub adds < ${TARGET_REST_ADDED_MS} ms to a NARSA check (median)`, actual: `${round(r.addedMs, 2)} ms (${round(r.hubMs.p50, 2)} vs ${round(r.directMs.p50, 2)} ms)`, met: r.addedMs < TARGET_REST_ADDED_MS }];
}

function table(headers: string[], lines: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

export function printReport(rows: ResultRow[], checks: TargetCheck[], cpu: CpuBreakdown[]): void {
  const show = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : String(round(v)));
  console.log('\n' + table(['name', 'value', 'unit', 'baseline', 'ratio'], rows.map((r) => [r.name, show(r.value), r.unit, show(r.baseline), String(r.ratio ?? '-')])));
  if (cpu.length > 0) console.log('\nCPU µs per operation (machine busy = share of all cores in use, by anyone):\n' + table(
    ['phase', 'ops/s', 'machine busy', 'client/hub', '(of it kernel)', 'PostgreSQL', 'load generator', 'outside the bench'],
    cpu.map((c) => [c.phase, show(c.opsPerSecond), c.busy === undefined ? '-' : `${round(100 * c.busy)}%`, show(c.client), show(c.clientKernel), show(c.postgres), show(c.loadGenerator), show(c.other)])));
  for (const c of cpu) {
    if (c.otherShare !== undefined && c.otherShare > DISTURBED_SHARE) {
      console.log(`WARNING: during the ${c.phase} run, processes outside the bench used ${round(100 * c.otherShare)}% of the machine's CPU: the figures are disturbed, run again on a quiet machine`);
    }
  }
  console.log('\n' + table(['target', 'actual', 'met'], checks.map((c) => [c.target, c.actual, c.met ? 'yes' : 'NO'])) + '\n');
}

export function writeResults(file: string, rows: ResultRow[]): void {
  writeFileSync(file, JSON.stringify(rows, null, 2) + '\n');
}
