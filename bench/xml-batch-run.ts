/**
 * `npm run bench:xml`: the XML batch phase of `npm run bench` alone (no database needed): a NARSA results file parsed
 * and mapped record by record from local disk, against a saxes scan and fast-xml-parser on the whole document.
 * Settings: BENCH_XML_SIZES (default 20000,100000), BENCH_XML_RUNS (3), BENCH_CPU_PROFILE. See docs/performance.md.
 */
import os from 'node:os';
import { printReport } from './report';
import { benchSettings } from './settings';
import { runXmlBatchBench } from './xml-batch-bench';
import { xmlBatchChecks, xmlBatchRows } from './xml-batch-report';

async function main(): Promise<void> {
  const s = benchSettings();
  const cores = os.cpus();
  console.log(`bench: ${cores.length} × ${cores[0]?.model ?? 'cpu'}, Node ${process.version}`);
  console.log(`bench: NARSA results XML, files of ${s.xmlSizes.join(' and ')} records, ${s.xmlRuns} runs of each pass, one process per pass…`);
  const result = await runXmlBatchBench({ sizes: s.xmlSizes, runs: s.xmlRuns, profileDir: s.profileDir, log: (line) => console.log(`bench:   ${line}`) });
  printReport(xmlBatchRows(result), xmlBatchChecks(result), []);
}

main().catch((err: unknown) => {
  console.error('bench: the run failed:', err);
  process.exitCode = 1;
});
