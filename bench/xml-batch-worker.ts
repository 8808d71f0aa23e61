/**
 * One pass over one NARSA results file in its own process (forked by bench/xml-batch-bench.ts, so that each pass's
 * memory peak is its own). Receives one XmlBatchJob, answers one XmlBatchReply, exits.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { loadMappingSet } from '../app/mapping-files';
import { NARSA_RESULTS, readNarsaResult, streamXmlRecords } from '../connectors/sftp';
import { narsaResultMappingInput } from '../connectors/sftp/narsa-results';
import { DOWNLOAD_CHUNK_BYTES } from '../connectors/sftp/sftp-connector';
import { indexOfRequestId, licenceNumberFor } from './results-file';
import { isXmlBatchJob, type XmlBatchJob, type XmlBatchReply, type XmlBatchSummary } from './xml-batch-protocol';

const MB = 1024 * 1024;
/** The connector's default `maxRecordBytes` (connectors/sftp/config-schema.ts). */
const MAX_RECORD_CHARS = 65536;

const chunksOf = (path: string): AsyncIterable<Buffer> => createReadStream(path, { highWaterMark: DOWNLOAD_CHUNK_BYTES }) as AsyncIterable<Buffer>;

/** The hub's path: records streamed, read, mapped (the mapped value is dropped, as after an inbox insert). */
async function streamAndMap(job: XmlBatchJob): Promise<number> {
  const mapping = (await loadMappingSet()).get('narsa/licence-result.in', 'licence-verification');
  return measured(async () => {
    let mapped = 0;
    let problems = 0;
    await streamXmlRecords(chunksOf(job.path), {
      ...NARSA_RESULTS, maxRecordChars: MAX_RECORD_CHARS, what: 'bench file',
      onRecord: async (element) => {
        const reading = readNarsaResult(element);
        if (!reading.ok) { problems += 1; return; }
        // The licence number the hub asked for, found by request id (a stand-in for the hub's lookup, bench/results-file.ts).
        const index = indexOfRequestId(reading.record.requestId);
        const input = narsaResultMappingInput(reading.record, index === undefined ? undefined : { licenceNumber: licenceNumberFor(index) }, job.receivedAt);
        if (mapping.map(input).ok) mapped += 1;
        else problems += 1;
      },
    });
    if (problems > 0) throw new Error(`${problems} records were quarantined or did not map`);
    return mapped;
  });
}

/** saxes alone, as configured by the hub (namespaces on), counting the records: no element objects. */
function scan(job: XmlBatchJob): Promise<number> {
  return measured(async () => {
    const parser = new SaxesParser({ xmlns: true });
    let depth = 0;
    let records = 0;
    let failure: Error | undefined;
    parser.on('error', (error) => { failure ??= error; });
    parser.on('opentag', (tag: SaxesTagNS) => { depth += 1; if (depth === 2 && tag.local === NARSA_RESULTS.recordElement) records += 1; });
    parser.on('closetag', () => { depth -= 1; });
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of chunksOf(job.path)) parser.write(decoder.decode(chunk, { stream: true }));
    parser.write(decoder.decode());
    parser.close();
    if (failure) throw failure;
    return records;
  });
}

/** The whole document in memory, one object tree (fast-xml-parser with the settings of connectors/_kit/xml-binding.ts). */
function whole(job: XmlBatchJob): Promise<number> {
  const parser = new XMLParser({
    ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, trimValues: true,
    ignoreDeclaration: true, htmlEntities: false, processEntities: false,
    isArray: (name) => name === NARSA_RESULTS.recordElement || name === 'categories' || name === 'restrictions',
  });
  return measured(async () => {
    const text = await readFile(job.path, 'utf8');
    const document = parser.parse(text) as Record<string, { Result?: unknown[] } | undefined>;
    return document[NARSA_RESULTS.rootElement]?.Result?.length ?? 0;
  });
}

let clock: { started: bigint; cpu: NodeJS.CpuUsage; startRss: number } | undefined;
let finished: { seconds: number; cpuSeconds: number } | undefined;

async function measured(pass: () => Promise<number>): Promise<number> {
  clock = { started: process.hrtime.bigint(), cpu: process.cpuUsage(), startRss: process.memoryUsage().rss };
  const records = await pass();
  const cpu = process.cpuUsage(clock.cpu);
  finished = { seconds: Number(process.hrtime.bigint() - clock.started) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  return records;
}

async function run(job: XmlBatchJob): Promise<XmlBatchSummary> {
  let peakRss = 0;
  let peakHeapUsed = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
  };
  const sampler = setInterval(sample, 20);
  try {
    const records = await (job.mode === 'stream' ? streamAndMap(job) : job.mode === 'scan' ? scan(job) : whole(job));
    sample();
    if (records !== job.records) throw new Error(`${job.mode}: ${records} records instead of ${job.records}`);
    if (!clock || !finished) throw new Error('the pass was not measured');
    return {
      mode: job.mode, records, ...finished,
      startRssMb: clock.startRss / MB, peakRssMb: peakRss / MB, maxRssMb: process.resourceUsage().maxRSS / 1024, peakHeapUsedMb: peakHeapUsed / MB,
    };
  } finally {
    clearInterval(sampler);
  }
}

function reply(message: XmlBatchReply): void {
  process.send?.(message, undefined, undefined, () => process.exit(0));
}

process.once('message', (message: unknown) => {
  if (!isXmlBatchJob(message)) {
    reply({ type: 'error', message: 'the XML batch worker expects one XmlBatchJob message' });
    return;
  }
  run(message).then((summary) => reply({ type: 'result', summary }), (err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) }));
});
