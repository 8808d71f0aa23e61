/**
 * The nightly VERIF files (narsa.md, "Bulk verification"), one or more per post:
 * 1. claim: the requests awaiting NARSA that no file holds yet, where the service's rule
 *    (services/licence-authentication/verification-channel.ts) sends them to the batch, are written into a file row
 *    with their position, in one transaction per file — a real-time message they replace is withdrawn in the same
 *    transaction (`superseded`), so NARSA is never asked both ways by us;
 * 2. upload: every claimed file not yet uploaded is rendered from the database (the `narsa/bulk-verification.out`
 *    mapping per request, closed target) and streamed to `/depot` by the SFTP connector (temporary name, rename,
 *    `.sha256`). A file whose upload failed stays claimed and is rendered again, byte for byte, at the next run: the
 *    connector finds the same digest if it had got there.
 */
import type { Knex } from 'knex';
import { appendToLedger } from '../../broker/ledger/ledger';
import { batchNote, channelAtNight, urgencyOf, type BatchReason, type RealTimeMessageState } from '../../services/licence-authentication/verification-channel';
import { VERIFY_OPERATION } from '../../services/licence-authentication/service';
import { narsaDay, verificationFileName } from './calendar';
import { BATCH_PARTNER, LICENCE_SERVICE, mappingOf, MAX_REQUESTS_PER_FILE, silentLog, VERIFY_FILE_OPERATION, type NarsaBatchDeps } from './deps';
import { verificationFile, type VerificationRecord } from './verification-xml';

export const BULK_VERIFICATION_MAPPING = 'narsa/bulk-verification.out';
const PAGE = 1000;

export interface NightFileReport {
  /** Files uploaded this run (names only). */
  uploaded: Array<{ file: string; requests: number; alreadyThere: boolean }>;
  /** Requests left to the real-time path. */
  leftToRealTime: number;
  /** Requests whose data do not map to a NARSA Request (left out, counted; the mapping errors name the fields). */
  unmappable: number;
}

interface Candidate { id: string; post: string; data: Record<string, unknown>; applicant: Record<string, unknown>; restStatus: string | null }

const json = (value: unknown): Record<string, unknown> => (typeof value === 'string' ? JSON.parse(value) : (value ?? {})) as Record<string, unknown>;

function realTimeState(outboxStatus: string | null): RealTimeMessageState {
  switch (outboxStatus) {
    case null: return 'none';
    case 'pending': return 'waiting';
    case 'delivered': return 'delivered';
    case 'dead': return 'dead';
    default: return 'in-flight'; // in-flight, queued: a relay holds it right now
  }
}

async function candidates(db: Knex): Promise<Candidate[]> {
  const result = await db.raw(
    `SELECT r.id, r.post, r.data, r.applicant,
            (SELECT o.status FROM outbox o WHERE o.request_id = r.id AND o.partner = 'narsa' AND o.operation = ?
              AND o.status <> 'superseded' ORDER BY o.created_at DESC LIMIT 1) AS rest_status
       FROM requests r
      WHERE r.service = ? AND r.status = 'awaiting-partners'
        AND NOT EXISTS (SELECT 1 FROM narsa_verification_requests b WHERE b.request_id = r.id)
      ORDER BY r.created_at, r.id`,
    [VERIFY_OPERATION, LICENCE_SERVICE],
  ) as { rows: Array<Record<string, unknown>> };
  return result.rows.map((r) => ({ id: String(r.id), post: String(r.post), data: json(r.data), applicant: json(r.applicant), restStatus: (r.rest_status as string | null) ?? null }));
}

/** The input of the bulk-verification mapping: the request as the hub holds it. */
export function mappingInput(requestId: string, data: Record<string, unknown>, applicant: Record<string, unknown>): Record<string, unknown> {
  return { requestId, data, applicant };
}

async function isRealTimeDown(deps: NarsaBatchDeps): Promise<boolean> {
  if (!deps.realTime) return true;
  const health = await deps.realTime.health().catch(() => undefined);
  // "Down beyond its circuit": the breaker is open or trying one call; without a breaker state the connector is not running.
  return health?.circuit === undefined || health.circuit !== 'closed';
}

interface Chosen { candidate: Candidate; reason: BatchReason; supersede: boolean }

/** Writes the chosen requests of one post into one new file row, in one transaction; returns the file name or nothing. */
async function claimFile(deps: NarsaBatchDeps, post: string, chosen: Chosen[], day: string): Promise<string | undefined> {
  const now = (deps.now ?? (() => new Date()))();
  return deps.db.transaction(async (trx) => {
    const ids = chosen.map((c) => c.candidate.id);
    // Still awaiting NARSA (not cancelled or answered since the listing), locked until the commit.
    const stillWaiting = new Set(((await trx.raw(
      `SELECT id FROM requests WHERE id = ANY(?::uuid[]) AND status = 'awaiting-partners' FOR UPDATE`, [ids],
    )) as { rows: Array<{ id: string }> }).rows.map((r) => String(r.id)));
    const toWithdraw = chosen.filter((c) => c.supersede && stillWaiting.has(c.candidate.id)).map((c) => c.candidate.id);
    const withdrawn = new Set<string>();
    if (toWithdraw.length > 0) {
      const rows = ((await trx.raw(
        `UPDATE outbox SET status = 'superseded', locked_until = NULL, updated_at = now(), last_error_code = 'SUPERSEDED',
                last_error = 'withdrawn: the request went into the NARSA night batch'
          WHERE request_id = ANY(?::uuid[]) AND partner = 'narsa' AND operation = ? AND status = 'pending'
          RETURNING request_id`, [toWithdraw, VERIFY_OPERATION],
      )) as { rows: Array<{ request_id: string }> }).rows;
      for (const r of rows) withdrawn.add(String(r.request_id));
    }
    // A real-time message a relay claimed meanwhile is left to finish: that request waits for the next night.
    const kept = chosen.filter((c) => stillWaiting.has(c.candidate.id) && (!c.supersede || withdrawn.has(c.candidate.id)));
    if (kept.length === 0) return undefined;
    const last = await trx('narsa_verification_files').where({ post, night: day }).max<{ max: number | null }>('sequence as max').first();
    const sequence = Number(last?.max ?? 0) + 1;
    const fileName = verificationFileName(post, day, sequence);
    await trx('narsa_verification_files').insert({ file_name: fileName, post, night: day, sequence, request_count: kept.length, status: 'claimed' });
    for (let start = 0; start < kept.length; start += PAGE) {
      await trx('narsa_verification_requests').insert(kept.slice(start, start + PAGE).map((c, i) => ({
        request_id: c.candidate.id, file_name: fileName, seq: start + i + 1, reason: c.reason,
      })));
    }
    // Standard requests were told at submission; the others learn here why they go to the batch.
    const moved = kept.filter((c) => c.reason !== 'standard');
    if (moved.length > 0) {
      await trx('request_history').insert(moved.map((c) => ({
        request_id: c.candidate.id, at: now, status: 'awaiting-partners', actor: 'hub', note: `${batchNote(c.reason)} (${fileName})`,
      })));
    }
    return fileName;
  });
}

/** The records of a claimed file, in `seq` order, read a page at a time and mapped one by one. */
async function* fileRecords(deps: NarsaBatchDeps, fileName: string): AsyncGenerator<VerificationRecord> {
  const mapping = await mappingOf(deps, BULK_VERIFICATION_MAPPING);
  let after = 0;
  for (;;) {
    const rows = await deps.db('narsa_verification_requests as b').join('requests as r', 'r.id', 'b.request_id')
      .where('b.file_name', fileName).andWhere('b.seq', '>', after).orderBy('b.seq').limit(PAGE)
      .select('b.seq', 'b.request_id', 'r.data', 'r.applicant');
    if (rows.length === 0) return;
    for (const row of rows) {
      const mapped = mapping.map(mappingInput(String(row.request_id), json(row.data), json(row.applicant)));
      if (!mapped.ok) throw new Error(`${fileName}: request at seq ${row.seq} no longer maps (${mapped.errors.map((e) => `${e.path} ${e.message}`).join('; ')})`);
      yield mapped.value as VerificationRecord;
    }
    after = Number(rows[rows.length - 1].seq);
  }
}

async function uploadFile(deps: NarsaBatchDeps, file: { file_name: string; request_count: number }): Promise<{ alreadyThere: boolean }> {
  const batchId = file.file_name.replace(/\.xml$/, '');
  const result = await deps.sftp.uploadStream(VERIFY_FILE_OPERATION, file.file_name, verificationFile(batchId, Number(file.request_count), fileRecords(deps, file.file_name)));
  await deps.db.transaction(async (trx) => {
    await trx('narsa_verification_files').where({ file_name: file.file_name, status: 'claimed' })
      .update({ status: 'uploaded', sha256: result.sha256, bytes: result.bytes, uploaded_at: trx.fn.now() });
    await appendToLedger(trx, { partner: BATCH_PARTNER, operation: VERIFY_FILE_OPERATION, direction: 'out', messageId: file.file_name,
      payloadSha256: result.sha256, outcome: result.alreadyThere ? 'delivered (already on the server)' : 'delivered' });
  });
  return { alreadyThere: result.alreadyThere };
}

/** One run: claim tonight's requests into files, then upload every file not yet uploaded. */
export async function buildVerificationFiles(deps: NarsaBatchDeps): Promise<NightFileReport> {
  const log = deps.log ?? silentLog;
  const report: NightFileReport = { uploaded: [], leftToRealTime: 0, unmappable: 0 };
  const day = narsaDay((deps.now ?? (() => new Date()))());
  const mapping = await mappingOf(deps, BULK_VERIFICATION_MAPPING);
  const all = await candidates(deps.db);
  // The REST side is asked only when an urgent request waits for it (its health check opens a TLS connection).
  const needsRealTimeState = all.some((c) => realTimeState(c.restStatus) === 'waiting' && urgencyOf(c.data) === 'urgent');
  const realTimeDown = needsRealTimeState ? await isRealTimeDown(deps) : false;
  const byPost = new Map<string, Chosen[]>();
  for (const candidate of all) {
    const choice = channelAtNight({ urgency: urgencyOf(candidate.data), realTime: realTimeState(candidate.restStatus) }, realTimeDown);
    if (choice.channel === 'real-time') { report.leftToRealTime += 1; continue; }
    // Checked before the claim: a request NARSA's message cannot carry is not put in a file (it would stop the file).
    if (!mapping.map(mappingInput(candidate.id, candidate.data, candidate.applicant)).ok) { report.unmappable += 1; continue; }
    const group = byPost.get(candidate.post) ?? [];
    if (group.length === 0) byPost.set(candidate.post, group);
    group.push({ candidate, reason: choice.reason, supersede: choice.supersede });
  }
  if (report.unmappable > 0) log.warn(`narsa-batch: ${report.unmappable} request(s) do not map to a VERIF Request and were left out`, { partner: BATCH_PARTNER });
  const limit = deps.maxRequestsPerFile ?? MAX_REQUESTS_PER_FILE;
  for (const [post, chosen] of [...byPost.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (let start = 0; start < chosen.length; start += limit) await claimFile(deps, post, chosen.slice(start, start + limit), day);
  }
  const pending = await deps.db('narsa_verification_files').where('status', 'claimed').orderBy(['created_at', 'file_name']).select('file_name', 'request_count');
  for (const file of pending) {
    const { alreadyThere } = await uploadFile(deps, file);
    report.uploaded.push({ file: file.file_name, requests: Number(file.request_count), alreadyThere });
    log.info(`narsa-batch: ${file.file_name} uploaded (${file.request_count} requests)`, { partner: BATCH_PARTNER, file: file.file_name });
  }
  return report;
}
