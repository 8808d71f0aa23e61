/**
 * NARSA's result files (`/retour/RESULT_VERIF_….xml`), read on a schedule: the SFTP connector takes each complete
 * file once per content digest (a file written again with a new modification time is skipped) and streams it record
 * by record (`readNarsaResult`). Each record:
 * - names a request the hub put in a VERIF file → mapped by `narsa/licence-result.in` (with the licence number we
 *   asked for) and stored in the inbox for `licence-authentication.verificationResult`, which moves the request on
 *   exactly as a real-time answer does. The inbox key is `result:<file digest>:<RequestId>`: a crash mid-file reads
 *   the same records again and the inbox absorbs them; a later, different file answering the same request is stored
 *   and reaches the service, which records it and leaves the request as decided;
 * - is malformed, names a request we never sent, or does not map → stored in the inbox as quarantined with the
 *   reason (rule or field paths, never values), its XML kept for an engineer; the rest of the file goes on.
 * The file itself is one ledger entry (`in`, its digest), written with the processed-file mark in one transaction.
 * Records are stored in chunks (one statement per chunk), the mark after the last chunk.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { recordInboundBatch } from '../../broker/inbox/batch-store';
import type { InboundRecord } from '../../broker/inbox/inbox-store';
import { appendToLedger } from '../../broker/ledger/ledger';
import { KnexProcessedFileRegistry, NARSA_RESULTS, readNarsaResult, type FileReport, type NarsaResult, type ProcessedFileRegistry, type Quarantined } from '../../connectors/sftp';
import { narsaResultMappingInput } from '../../connectors/sftp/narsa-results';
import { BATCH_PARTNER, mappingOf, RESULTS_OPERATION, RESULTS_SOURCE, VERIFY_FILE_OPERATION, type NarsaBatchDeps } from './deps';

export const RESULT_MAPPING = 'narsa/licence-result.in';
export const RESULT_REPLY_ACTION = 'licence-authentication.verificationResult';
export const QUARANTINED_RESULT_OPERATION = 'licence.bulk-verify.quarantined';
const CHUNK = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ResultsReport { files: FileReport[]; stored: number; quarantined: number }

interface Pending { kind: 'record'; record: NarsaResult; file: string; index: number; digest: string }
interface PendingQuarantine { kind: 'quarantine'; entry: Quarantined }

interface SentRequest { requestId: string; reference: string; licenceNumber: string }

async function sentRequests(db: Knex, ids: string[]): Promise<Map<string, SentRequest>> {
  const valid = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  if (valid.length === 0) return new Map();
  const rows = await db('narsa_verification_requests as b').join('requests as r', 'r.id', 'b.request_id')
    .whereIn('b.request_id', valid).select('b.request_id', 'r.reference', db.raw(`r.data->>'licenceNumber' AS licence_number`));
  return new Map(rows.map((r: Record<string, unknown>) => [String(r.request_id), { requestId: String(r.request_id), reference: String(r.reference), licenceNumber: String(r.licence_number) }]));
}

const short = (digest: string): string => digest.slice(0, 16);

/**
 * Keyed by the file, the position and the record's content: the same record read again (a crash mid-file) stays one
 * row; a file NARSA rewrote with other content gets its own.
 */
function quarantineRecord(file: string, index: number, reason: string, content: Record<string, unknown>, sent?: SentRequest): InboundRecord & { reason: string } {
  const key = createHash('sha256').update(`${file}\n${index}\n${JSON.stringify(content)}`).digest('hex').slice(0, 32);
  return {
    partner: BATCH_PARTNER, messageId: `quarantined:${key}`, operation: QUARANTINED_RESULT_OPERATION,
    // Attached to its request when we know it: the agent sees in the request's exchanges that NARSA's answer is held.
    requestId: sent?.requestId ?? null, caseReference: sent?.reference ?? null, replyAction: null,
    payload: { kind: 'quarantined', file, index, ...content }, reason,
  };
}

/** Stores a chunk: good records for the service, the others quarantined; one transaction, so no reader sees a half. */
async function storeChunk(deps: NarsaBatchDeps, chunk: Array<Pending | PendingQuarantine>, receivedAt: string): Promise<{ stored: number; quarantined: number }> {
  const mapping = await mappingOf(deps, RESULT_MAPPING);
  const sent = await sentRequests(deps.db, chunk.map((p) => (p.kind === 'record' ? p.record.requestId : p.entry.requestId ?? '')));
  const good: InboundRecord[] = [];
  const bad: Array<InboundRecord & { reason: string }> = [];
  for (const p of chunk) {
    if (p.kind === 'quarantine') {
      const { file, index, reason, raw } = p.entry;
      bad.push(quarantineRecord(file, index, reason, { raw }, p.entry.requestId ? sent.get(p.entry.requestId.toLowerCase()) : undefined));
      continue;
    }
    const request = sent.get(p.record.requestId.toLowerCase());
    if (!request) {
      bad.push(quarantineRecord(p.file, p.index, 'RequestId is not a request the hub sent in a VERIF file', { record: p.record }));
      continue;
    }
    // One literal, not a spread: a spread copy given more properties is promoted by V8 (docs/performance.md, XML memory).
    const mapped = mapping.map(narsaResultMappingInput(p.record, { licenceNumber: request.licenceNumber }, receivedAt));
    if (!mapped.ok) {
      bad.push(quarantineRecord(p.file, p.index, `mapping failed: ${mapped.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { record: p.record }, request));
      continue;
    }
    good.push({
      partner: BATCH_PARTNER, messageId: `result:${short(p.digest)}:${request.requestId}`, operation: VERIFY_FILE_OPERATION,
      requestId: request.requestId, caseReference: request.reference, replyAction: RESULT_REPLY_ACTION,
      // `body` is already canonical (no answer mapping is bound to this operation); `record` is NARSA's, kept as evidence.
      payload: { kind: 'answer', status: 200, body: mapped.value, request: {}, receivedAt, file: p.file, index: p.index, record: p.record },
    });
  }
  await deps.db.transaction(async (trx) => {
    if (good.length > 0) await recordInboundBatch(trx, good);
    if (bad.length > 0) {
      await recordInboundBatch(trx, bad.map(({ reason: _reason, ...rec }) => rec));
      for (const q of bad) {
        await trx('inbox').where({ partner: BATCH_PARTNER, message_id: q.messageId, status: 'received' }).update({ status: 'quarantined', error: q.reason });
      }
    }
  });
  return { stored: good.length, quarantined: bad.length };
}

/** One run: every complete result file not taken in before. */
export async function consumeResults(deps: NarsaBatchDeps): Promise<ResultsReport> {
  const receivedAt = (deps.now ?? (() => new Date()))().toISOString();
  const report: ResultsReport = { files: [], stored: 0, quarantined: 0 };
  let buffer: Array<Pending | PendingQuarantine> = [];
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = [];
    const done = await storeChunk(deps, chunk, receivedAt);
    report.stored += done.stored;
    report.quarantined += done.quarantined;
  };
  const inner = new KnexProcessedFileRegistry(deps.db);
  const registry: ProcessedFileRegistry = {
    isProcessed: (partner, digest) => inner.isProcessed(partner, digest),
    // The file is marked only once its last records are stored; the mark and the ledger entry commit together.
    markProcessed: async (file) => {
      await flush();
      return deps.db.transaction(async (trx) => {
        const marked = await new KnexProcessedFileRegistry(trx).markProcessed(file);
        if (marked) {
          await appendToLedger(trx, { partner: BATCH_PARTNER, operation: RESULTS_OPERATION, direction: 'in', messageId: file.fileName,
            payloadSha256: file.digest, outcome: 'received' });
        }
        return marked;
      });
    },
  };
  report.files = await deps.sftp.consumeXmlRecords<NarsaResult>({
    source: RESULTS_SOURCE, registry, ...NARSA_RESULTS, read: readNarsaResult,
    onRecord: async (record, context) => {
      buffer.push({ kind: 'record', record, ...context });
      if (buffer.length >= CHUNK) await flush();
    },
    onQuarantine: async (entry) => {
      buffer.push({ kind: 'quarantine', entry });
      if (buffer.length >= CHUNK) await flush();
    },
  });
  await flush();
  if (report.stored > 0 || report.quarantined > 0) deps.poke?.();
  return report;
}
