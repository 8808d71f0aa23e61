/**
 * `npm run bench:batch`: the two phases of `npm run bench` that need no database (issue 4): the NARSA result record
 * mapping, compiled vs JSONata, then the NARSA results XML parsed and mapped record by record from local disk,
 * against a saxes scan and fast-xml-parser on the whole document. Settings: BENCH_XML_SIZES (default 20000,100000),
 * BENCH_XML_RUNS (3), BENCH_CPU_PROFILE (one profile per XML pass). See docs/performance.md.
 */
import os from 'node:os';
import { runMappingBench } from './mapping-bench';
import { mappingChecks, mappingRows, printReport } from './report';
import { benchSettings } from './settings';
import { runXmlBatchBench } from './xml-batch-bench';
import { xmlBatchChecks, xmlBatchRows } from './xml-batch-report';

async function main(): Promise<void> {
  const s = benchSettings();
  const cores = os.cpus();
  console.log(`bench: ${cores.length} × ${cores[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('bench: NARSA result record mapping, compiled vs JSONata…');
  const mapping = await runMappingBench();
  console.log(`bench:   compiled passes: ${mapping.compiledRuns.map((r) => Math.round(r)).join(', ')} records/s`);
  console.log(`bench: NARSA results XML from local disk, files of ${s.xmlSizes.join(' and ')} records, ${s.xmlRuns} runs of each pass, one process per pass${s.xmlHeapMb ? ` (--max-old-space-size=${s.xmlHeapMb})` : ''}…`);
  const xml = await runXmlBatchBench({ sizes: s.xmlSizes, runs: s.xmlRuns, profileDir: s.profileDir, heapMb: s.xmlHeapMb, log: (line) => console.log(`bench:   ${line}`) });
  printReport([...mappingRows(mapping), ...xmlBatchRows(xml)], [...mappingChecks(mapping), ...xmlBatchChecks(xml)], []);
}

main().catch((err: unknown) => {
  console.error('bench: the run failed:', err);
  process.exitCode = 1;
});
