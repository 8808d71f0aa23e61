/**
 * `npm run bench`: the database's raw single-row insert rate, then portal submissions through a real hub on the
 * same (fresh) database with the same concurrency; prints a table, the targets, and writes bench/results.json.
 * See docs/performance.md.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBaseline } from './baseline';
import { createBenchDatabase, withClient } from './database';
import { aminaLicenceRequest } from './demo-request';
import { runPortalBench } from './portal';
import { cpuBreakdown, cpuRows, mappingChecks, mappingRows, printReport, restChecks, restRows, resultRows, resultsChecks, resultsRows, targetChecks, writeResults, type ResultsFigures } from './report';
import { runRestOverhead } from './rest-overhead';
import { runResultsBench } from './results-bench';
import { runMappingBench } from './mapping-bench';
import { runXmlBatchBench } from './xml-batch-bench';
import { xmlBatchChecks, xmlBatchRows } from './xml-batch-report';
import { benchSettings } from './settings';
import { round } from './stats';

const RESULTS_FILE = path.resolve(__dirname, '..', '..', 'bench', 'results.json');

const serverFacts = (url: string): Promise<string> => withClient(url, async (c) => {
  const { rows } = await c.query<{ v: string; sc: string }>(`SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc`);
  return `PostgreSQL ${rows[0].v}, synchronous_commit=${rows[0].sc}`;
});

/** Before each phase: the previous phase's dirty pages are not written out during the next one's measurement. */
const checkpoint = (url: string): Promise<void> => withClient(url, async (c) => { await c.query('CHECKPOINT'); });

async function main(): Promise<number> {
  const s = benchSettings();
  rmSync(RESULTS_FILE, { force: true });
  const cores = os.cpus();
  console.log(`bench: ${cores.length} × ${cores[0]?.model ?? 'cpu'}, Node ${process.version}`);
  console.log(`bench: ${s.connections} connections, hub pool ${s.hubPool}, warm-up ${s.warmupSeconds} s, measured ${s.durationSeconds} s`);
  console.log('bench: NARSA record mapping, compiled vs JSONata…');
  const mapping = await runMappingBench();
  console.log(`bench: NARSA results XML from local disk, files of ${s.xmlSizes.join(' and ')} records, ${s.xmlRuns} runs of each pass, one process per pass${s.xmlHeapMb ? ` (--max-old-space-size=${s.xmlHeapMb})` : ''}…`);
  const xml = await runXmlBatchBench({ sizes: s.xmlSizes, runs: s.xmlRuns, profileDir: s.profileDir, heapMb: s.xmlHeapMb, log: (line) => console.log(`bench:   ${line}`) });
  const db = await createBenchDatabase(s.serverUrl);
  try {
    console.log(`bench: database ${db.name} (${await serverFacts(db.url)})`);
    await checkpoint(db.url);
    console.log(`bench: raw insert baseline, ${s.connections} workers on a pool of ${s.connections}…`);
    const raw = await runBaseline({ url: db.url, concurrency: s.connections, warmupSeconds: s.warmupSeconds, durationSeconds: s.durationSeconds, body: aminaLicenceRequest });
    console.log(`bench: ${raw.transactions} transactions in ${round(raw.seconds, 2)} s`);
    await checkpoint(db.url);
    console.log(`bench: portal submissions, autocannon in a child process, ${s.connections} connections…`);
    const portal = await runPortalBench({ databaseUrl: db.url, connections: s.connections, hubPool: s.hubPool, warmupSeconds: s.warmupSeconds, durationSeconds: s.durationSeconds, body: aminaLicenceRequest, profileDir: s.profileDir });
    const m = portal.measured;
    console.log(`bench: warm-up ${portal.warmup.ok} submissions; measured ${m.ok} in ${m.seconds} s; status codes ${JSON.stringify(m.statusCodes)}; errors ${m.errors} (timeouts ${m.timeouts})`);
    const cpu = [cpuBreakdown('raw insert', raw.transactions, raw.cpu, raw.seconds), cpuBreakdown('portal submissions', m.ok + m.non2xx, portal.cpu, m.seconds, m.cpuSeconds)];
    console.log(`bench: NARSA results batch, files of ${s.resultsSizes.join(' and ')} records, one worker process each${s.resultsHeapMb ? ` (--max-old-space-size=${s.resultsHeapMb})` : ''}, inbox chunks of ${s.resultsChunk}…`);
    const results: ResultsFigures[] = (await runResultsBench({ serverUrl: s.serverUrl, sizes: s.resultsSizes, chunkSize: s.resultsChunk, profileDir: s.profileDir, heapMb: s.resultsHeapMb, log: (line) => console.log(`bench:   ${line}`) }))
      .map((r) => ({ ...r.summary, megabytes: r.file.bytes / 1e6, recordsPerSecond: r.recordsPerSecond }));
    console.log(`bench: NARSA licence check, direct vs through the hub, ${s.restCalls} calls each, ${s.restSpacingMs} ms apart…`);
    const rest = await runRestOverhead({ serverUrl: s.serverUrl, calls: s.restCalls, warmup: 10, spacingMs: s.restSpacingMs });
    const rows = [...resultRows(raw, m), ...cpuRows(cpu[0], cpu[1]), ...mappingRows(mapping), ...xmlBatchRows(xml), ...resultsRows(results), ...restRows(rest)];
    printReport(rows, [...targetChecks(raw, m), ...mappingChecks(mapping), ...xmlBatchChecks(xml), ...resultsChecks(results), ...restChecks(rest)], cpu);
    const failures = portal.warmup.non2xx + portal.warmup.errors + m.non2xx + m.errors;
    if (failures > 0) {
      console.error(`bench: FAILED: ${failures} submissions did not get a 2xx answer (warm-up ${JSON.stringify(portal.warmup.statusCodes)}, measured ${JSON.stringify(m.statusCodes)}); results not written`);
      return 1;
    }
    writeResults(RESULTS_FILE, rows);
    console.log(`bench: wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
    return 0;
  } finally {
    await db.drop();
  }
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error('bench: the run failed:', err);
  process.exitCode = 1;
});
