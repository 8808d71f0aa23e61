/** Rows and target checks of the XML batch phase (issue 4 b), in the format of bench/report.ts. */
import { row, type ResultRow, type TargetCheck } from './report';
import { round } from './stats';
import type { XmlBatchFigures, XmlBatchResult } from './xml-batch-bench';

export const TARGET_XML_BATCH_RPS = 30_000;
/** "Memory flat in the file size": each larger file's peak RSS within 5 % of the smallest one's (Node's default heap). */
export const TARGET_XML_BATCH_PEAK_GROWTH = 1.05;

const LABEL = { stream: 'stream + read + map', scan: 'saxes scan, nothing built', whole: 'fast-xml-parser, whole document' } as const;

const find = (r: XmlBatchResult, mode: XmlBatchFigures['mode'], records: number): XmlBatchFigures | undefined =>
  r.figures.find((f) => f.mode === mode && f.records === records);

export function xmlBatchRows(r: XmlBatchResult): ResultRow[] {
  const smallest = r.figures[0]?.records;
  const rows = r.figures.flatMap((f) => {
    const n = `NARSA XML ${f.records} (${round(f.megabytes)} MB), ${LABEL[f.mode]}`;
    const stream = f.mode === 'stream' ? undefined : find(r, 'stream', f.records);
    const small = find(r, f.mode, smallest);
    return [
      // Stream rows compare with the target; baseline rows give the stream's figure as a ratio of theirs.
      row(`${n}: records/s (median of ${f.runs})`, f.recordsPerSecond, 'records/s', f.mode === 'stream' ? TARGET_XML_BATCH_RPS : null),
      ...(stream ? [row(`${n}: stream + read + map vs this`, stream.recordsPerSecond, 'records/s', f.recordsPerSecond)] : []),
      row(`${n}: MB/s`, f.megabytesPerSecond, 'MB/s'),
      row(`${n}: records per CPU second`, f.recordsPerCpuSecond, 'records/s'),
      row(`${n}: peak RSS (sampled every 20 ms)`, f.peakRssMb, 'MB', small && small !== f ? small.peakRssMb : null),
      row(`${n}: maxRSS (resourceUsage)`, f.maxRssMb, 'MB'),
      row(`${n}: RSS before the file`, f.startRssMb, 'MB'),
    ];
  });
  return [
    ...rows,
    row('machine load average (1 min), start of the XML batch phase', r.loadAverage.start, 'load'),
    row('machine load average (1 min), end of the XML batch phase', r.loadAverage.end, 'load'),
  ];
}

export function xmlBatchChecks(r: XmlBatchResult): TargetCheck[] {
  const streams = r.figures.filter((f) => f.mode === 'stream');
  const smallest = streams[0];
  return streams.flatMap((f) => [
    { target: `≥ ${TARGET_XML_BATCH_RPS} records/s parsed + mapped, ${f.records}-record XML file`, actual: `${round(f.recordsPerSecond)} records/s, ${round(f.megabytesPerSecond)} MB/s`, met: f.recordsPerSecond >= TARGET_XML_BATCH_RPS },
    ...(f === smallest ? [] : [{
      target: `peak RSS of the ${f.records}-record file within ${Math.round((TARGET_XML_BATCH_PEAK_GROWTH - 1) * 100)} % of the ${smallest.records}-record one`,
      actual: `${round(f.peakRssMb / smallest.peakRssMb, 3)} × (${round(f.peakRssMb)} vs ${round(smallest.peakRssMb)} MB)`,
      met: f.peakRssMb <= TARGET_XML_BATCH_PEAK_GROWTH * smallest.peakRssMb,
    }]),
  ]);
}
