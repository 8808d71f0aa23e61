/**
 * The daily ATTEST notice (narsa.md): `/depot/ATTEST_<yyyyMMdd>.csv` lists the licence attestations issued that day
 * (Africa/Casablanca). The run after midnight sends the day just ended — and any day missed since the last notice
 * (the hub was down), at most MAX_CATCH_UP_DAYS back; a day with no attestation gets a file with the header only, so
 * NARSA can tell "none" from "not sent". A day is sent once: `narsa_attestation_notices` (primary key the day) is
 * written with the ledger entry right after the upload; a crash in between sends the same bytes again next run.
 */
import { appendToLedger } from '../../broker/ledger/ledger';
import { attestationNumber } from '../../services/licence-authentication/verification-channel';
import { attestationNoticeName, dayAfter, dayBefore, dayBounds, daysFrom, narsaDay } from './calendar';
import { attestationCsv, type AttestationRow } from './attestation-csv';
import { BATCH_PARTNER, LICENCE_SERVICE, mappingOf, NOTICE_OPERATION, type NarsaBatchDeps } from './deps';

export const ATTESTATION_NOTICE_MAPPING = 'narsa/attestation-notice.out';
export const ATTESTATION_DOCUMENT_KIND = 'licence-attestation';
export const MAX_CATCH_UP_DAYS = 31;

export interface NoticeReport { sent: Array<{ day: string; file: string; rows: number }> }

const json = (value: unknown): Record<string, unknown> => (typeof value === 'string' ? JSON.parse(value) : (value ?? {})) as Record<string, unknown>;

/** The notice's rows for one day, in issue order, mapped by `narsa/attestation-notice.out` (closed target). */
export async function noticeRows(deps: NarsaBatchDeps, day: string): Promise<AttestationRow[]> {
  const mapping = await mappingOf(deps, ATTESTATION_NOTICE_MAPPING);
  const { from, to } = dayBounds(day);
  const issued = await deps.db('documents as d').join('requests as r', 'r.id', 'd.request_id')
    .where('d.kind', ATTESTATION_DOCUMENT_KIND).andWhere('r.service', LICENCE_SERVICE)
    .andWhere('d.created_at', '>=', from).andWhere('d.created_at', '<', to)
    .orderBy([{ column: 'd.created_at' }, { column: 'r.reference' }]).select('r.reference', 'r.data', 'r.results');
  return issued.map((row: Record<string, unknown>) => {
    const mapped = mapping.map({ attestationNumber: attestationNumber(String(row.reference)), issuedOn: day, data: json(row.data), results: json(row.results) });
    // A notice with a row missing would tell NARSA less than the truth: the day is not sent until it maps.
    if (!mapped.ok) throw new Error(`ATTEST ${day}: ${String(row.reference)} does not map (${mapped.errors.map((e) => `${e.path} ${e.message}`).join('; ')})`);
    return mapped.value as AttestationRow;
  });
}

/** The days to send now: after the last one sent (yesterday on a first run), up to yesterday, at most MAX_CATCH_UP_DAYS. */
export async function daysToSend(deps: NarsaBatchDeps): Promise<string[]> {
  const yesterday = dayBefore(narsaDay((deps.now ?? (() => new Date()))()));
  let earliest = yesterday;
  for (let i = 1; i < MAX_CATCH_UP_DAYS; i++) earliest = dayBefore(earliest);
  const last = await deps.db('narsa_attestation_notices').max<{ max: string | null }>('day as max').first();
  const next = last?.max ? dayAfter(String(last.max)) : yesterday;
  return daysFrom(next < earliest ? earliest : next, yesterday);
}

export async function sendAttestationNotices(deps: NarsaBatchDeps): Promise<NoticeReport> {
  const report: NoticeReport = { sent: [] };
  for (const day of await daysToSend(deps)) {
    const rows = await noticeRows(deps, day);
    const file = attestationNoticeName(day);
    const result = await deps.sftp.uploadStream(NOTICE_OPERATION, file, [attestationCsv(rows)]);
    await deps.db.transaction(async (trx) => {
      await trx('narsa_attestation_notices').insert({ day, file_name: file, rows: rows.length, sha256: result.sha256 });
      await appendToLedger(trx, { partner: BATCH_PARTNER, operation: NOTICE_OPERATION, direction: 'out', messageId: file, payloadSha256: result.sha256, outcome: 'delivered' });
    });
    report.sent.push({ day, file, rows: rows.length });
  }
  return report;
}
