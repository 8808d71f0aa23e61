/**
 * The NARSA results batch, one file, in its own process (forked by bench/results-bench.ts, so each file's memory
 * peak is its own): the hub's SFTP connector downloads the file (digest pass, then the streamed pass), saxes parses
 * it record by record, `readNarsaResult` reads each `Result`, the `narsa/licence-result.in` mapping maps it, and
 * `recordInboundBatch` writes the inbox in chunks. Receives one `ResultsJob`, answers one `ResultsReply`, exits.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, type SFTPWrapper } from 'ssh2';
import { loadMappingSet } from '../app/mapping-files';
import { recordInboundBatch } from '../broker/inbox/batch-store';
import type { InboundRecord } from '../broker/inbox/inbox-store';
import { loadPartnerBindings, resolvePartnerConfig } from '../connectors/partners/bindings';
import { createConnectors } from '../connectors/registry';
import { KnexProcessedFileRegistry, NARSA_RESULTS, readNarsaResult, sftpConnectorFactory, SftpConnector, streamXmlRecords, type NarsaResult, type ProcessedFileRegistry } from '../connectors/sftp';
import type { ConnectorFactory } from '../connectors/_kit/contract';
import { openDatabase } from '../db/connection';
import { indexOfRequestId, licenceNumberFor } from './results-file';
import { isResultsJob, type ResultsJob, type ResultsReply, type ResultsSummary } from './results-protocol';
import { narsaResultMappingInput } from '../connectors/sftp/narsa-results';

const MB = 1024 * 1024;

/** ssh2's fastGet: several reads in flight (what the connector's one-read-at-a-time download could be). */
async function pipelinedDownload(job: ResultsJob, remote: string, local: string): Promise<void> {
  const client = new Client();
  const fingerprint = (key: Buffer): string => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => { client.setNoDelay(true); resolve(); }).once('error', reject).connect({
      host: job.sftp.host, port: job.sftp.port, username: job.sftp.username, privateKey: readFileSync(job.sftp.privateKeyPath),
      hostVerifier: (key: Buffer) => fingerprint(key) === job.sftp.hostKeySha256,
    });
  });
  try {
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
    await new Promise<void>((resolve, reject) => sftp.fastGet(remote, local, { concurrency: 8, chunkSize: 64 * 1024 }, (err) => (err ? reject(err) : resolve())));
  } finally {
    client.end();
  }
}

async function run(job: ResultsJob): Promise<ResultsSummary> {
  let peakRss = process.memoryUsage().rss;
  let peakHeap = 0;
  let peakExternal = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapTotal);
    peakExternal = Math.max(peakExternal, m.external);
  }, 50);
  const database = await openDatabase({ databaseUrl: job.databaseUrl, dataDir: '/nonexistent', poolMax: 2 });
  try {
    const mapping = (await loadMappingSet()).get('narsa/licence-result.in', 'licence-verification');
    const binding = (await loadPartnerBindings()).get('narsa-batch');
    if (!binding) throw new Error('connectors/partners/narsa-batch/binding.json is missing');
    const config = resolvePartnerConfig(binding, {
      host: job.sftp.host, port: job.sftp.port, username: job.sftp.username, privateKeyPath: job.sftp.privateKeyPath,
      hostKey: { sha256: job.sftp.hostKeySha256 },
      // This run's file only (the other size's file may still be in /retour).
      inbound: { results: { fileNamePattern: job.fileName.replace(/\./g, '\\.') } },
    });
    const connector = createConnectors({ 'narsa-batch': config }, [sftpConnectorFactory as ConnectorFactory]).get('narsa-batch') as SftpConnector;
    await connector.connect();

    let buffer: InboundRecord[] = [];
    let inserted = 0;
    let duplicates = 0;
    let mapFailures = 0;
    let quarantined = 0;
    let mapNs = 0n;
    let persistNs = 0n;
    let waitNs = 0n;
    // One chunk may be in the database while the next one is read and mapped: at most two chunks in memory.
    let inFlight: Promise<void> | undefined;
    const settle = async (): Promise<void> => {
      if (!inFlight) return;
      const t = process.hrtime.bigint();
      try { await inFlight; } finally { inFlight = undefined; waitNs += process.hrtime.bigint() - t; }
    };
    const write = async (batch: InboundRecord[]): Promise<void> => {
      const t = process.hrtime.bigint();
      const r = await recordInboundBatch(database.knex, batch, { chunkSize: job.chunkSize });
      persistNs += process.hrtime.bigint() - t;
      inserted += r.inserted;
      duplicates += r.duplicates;
    };
    const startWrite = async (): Promise<void> => {
      await settle();
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      inFlight = write(batch);
      inFlight.catch(() => undefined); // surfaced by the next settle()
    };
    const flush = async (): Promise<void> => { await startWrite(); await settle(); };
    // The file is recorded as processed only once its last records are in the inbox.
    const inner = new KnexProcessedFileRegistry(database.knex);
    const registry: ProcessedFileRegistry = {
      isProcessed: (partner, digest) => inner.isProcessed(partner, digest),
      markProcessed: async (file) => { await flush(); return inner.markProcessed(file); },
    };
    const startRss = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const started = process.hrtime.bigint();
    const reports = await connector.consumeXmlRecords<NarsaResult>({
      source: 'results', registry, ...NARSA_RESULTS, read: readNarsaResult,
      onRecord: async (record, context) => {
        const t = process.hrtime.bigint();
        const index = indexOfRequestId(record.requestId);
        const mapped = mapping.map(narsaResultMappingInput(record, index === undefined ? undefined : { licenceNumber: licenceNumberFor(index) }, job.receivedAt));
        mapNs += process.hrtime.bigint() - t;
        if (!mapped.ok) { mapFailures += 1; return; }
        buffer.push({
          partner: 'narsa-batch', messageId: `result:${record.requestId}`, operation: 'licence.bulk-verify',
          payload: { kind: 'batch-result', file: context.file, index: context.index, requestId: record.requestId, verification: mapped.value },
        });
        if (buffer.length >= job.chunkSize) await startWrite();
      },
      onQuarantine: async () => { quarantined += 1; },
    });
    await flush();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    clearInterval(sampler);
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const heapUsedMb = process.memoryUsage().heapUsed / MB;
    const report = reports.find((r) => r.file === job.fileName);
    // Where the time goes, after the measurement (memory figures are taken above):
    // 1. the download alone, as the connector does it (one more digest pass over the same file);
    let t = process.hrtime.bigint();
    await connector.digestOf(`/retour/${job.fileName}`);
    const downloadPassSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    await connector.close();
    // 2. the same download with 8 reads of 64 kB in flight (ssh2's fastGet into a local file);
    const local = path.join(os.tmpdir(), `hub-bench-${process.pid}-${job.fileName}`);
    try {
      t = process.hrtime.bigint();
      await pipelinedDownload(job, `/retour/${job.fileName}`, local);
      const pipelinedDownloadSeconds = Number(process.hrtime.bigint() - t) / 1e9;
      // 3. parse + read + map alone, from that local file (no network, no database).
      t = process.hrtime.bigint();
      let parsed = 0;
      await streamXmlRecords(createReadStream(local, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>, {
        ...NARSA_RESULTS, maxRecordChars: 65536, what: job.fileName,
        onRecord: async (element) => {
          const reading = readNarsaResult(element);
          if (!reading.ok) return;
          const index = indexOfRequestId(reading.record.requestId);
          if (mapping.map(narsaResultMappingInput(reading.record, index === undefined ? undefined : { licenceNumber: licenceNumberFor(index) }, job.receivedAt)).ok) parsed += 1;
        },
      });
      const parseMapSeconds = Number(process.hrtime.bigint() - t) / 1e9;
      if (parsed !== report?.records) throw new Error(`the local parse pass mapped ${parsed} records`);
      return {
        outcome: report?.outcome ?? 'not listed', records: report?.records ?? 0, quarantined, mapFailures, inserted, duplicates, seconds,
        mapSeconds: Number(mapNs) / 1e9, persistSeconds: Number(persistNs) / 1e9, persistWaitSeconds: Number(waitNs) / 1e9,
        downloadPassSeconds, pipelinedDownloadSeconds, parseMapSeconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        startRssMb: startRss / MB, peakRssMb: peakRss / MB, maxRssMb, heapUsedMb, peakHeapTotalMb: peakHeap / MB, peakExternalMb: peakExternal / MB,
      };
    } finally {
      await rm(local, { force: true });
    }
  } finally {
    clearInterval(sampler);
    await database.close();
  }
}

function reply(message: ResultsReply): void {
  process.send?.(message, undefined, undefined, () => process.exit(0));
}

process.once('message', (message: unknown) => {
  if (!isResultsJob(message)) {
    reply({ type: 'error', message: 'the results worker expects one ResultsJob message' });
    return;
  }
  run(message).then((summary) => reply({ type: 'result', summary }), (err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) }));
});
