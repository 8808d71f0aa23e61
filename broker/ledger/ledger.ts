import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/** One message in or out, as evidence: never the payload itself, only its SHA-256. */
export interface LedgerEntry {
  partner: string;
  operation: string;
  direction: 'out' | 'in';
  messageId: string;
  caseReference?: string | null;
  payloadSha256: string;
  outcome: string;
  durationMs?: number | null;
  attempt?: number | null;
}

export interface LedgerRow extends LedgerEntry { seq: number; at: string; prevHash: string; hash: string }

export const GENESIS_HASH = '0'.repeat(64);
// Any constant works; it names the lock that serialises appends so the chain has one order.
const LEDGER_LOCK_KEY = 7_304_211;

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The hash of a link: every recorded field plus the previous link's hash, in a fixed order. */
export function linkHash(prevHash: string, at: string, e: LedgerEntry): string {
  const fields = [at, e.partner, e.operation, e.direction, e.messageId, e.caseReference ?? '', e.payloadSha256, e.outcome,
    e.durationMs ?? '', e.attempt ?? '', prevHash];
  return sha256Hex(JSON.stringify(fields));
}

/** Appends within the caller's transaction (so a state change and its evidence commit together). */
export async function appendToLedger(trx: Knex.Transaction, entry: LedgerEntry, now: Date = new Date()): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [LEDGER_LOCK_KEY]);
  const last = await trx('exchange_ledger').select('hash').orderBy('seq', 'desc').first();
  const prevHash = last ? String(last.hash) : GENESIS_HASH;
  const at = now.toISOString();
  await trx('exchange_ledger').insert({
    at: now, partner: entry.partner, operation: entry.operation, direction: entry.direction, message_id: entry.messageId,
    case_reference: entry.caseReference ?? null, payload_sha256: entry.payloadSha256, outcome: entry.outcome,
    duration_ms: entry.durationMs ?? null, attempt: entry.attempt ?? null, prev_hash: prevHash, hash: linkHash(prevHash, at, entry),
  });
}

export async function appendLedgerEntry(db: Knex, entry: LedgerEntry, now?: Date): Promise<void> {
  await db.transaction((trx) => appendToLedger(trx, entry, now));
}

function toRow(r: Record<string, unknown>): LedgerRow {
  return {
    seq: Number(r.seq), at: new Date(r.at as string | Date).toISOString(), partner: String(r.partner), operation: String(r.operation),
    direction: r.direction as 'out' | 'in', messageId: String(r.message_id), caseReference: (r.case_reference as string | null) ?? null,
    payloadSha256: String(r.payload_sha256), outcome: String(r.outcome), durationMs: (r.duration_ms as number | null) ?? null,
    attempt: (r.attempt as number | null) ?? null, prevHash: String(r.prev_hash), hash: String(r.hash),
  };
}

export type VerifyResult = { ok: true; count: number } | { ok: false; count: number; brokenAt: number; reason: string };

/** Recomputes the chain from the first link, page by page; names the first link that does not hold. */
export async function verifyLedger(db: Knex, pageSize = 5000): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let afterSeq = 0;
  let count = 0;
  for (;;) {
    const page = await db('exchange_ledger').where('seq', '>', afterSeq).orderBy('seq').limit(pageSize);
    if (page.length === 0) return { ok: true, count };
    for (const raw of page) {
      const row = toRow(raw);
      if (row.prevHash !== prevHash) return { ok: false, count, brokenAt: row.seq, reason: 'previous-hash link does not match (a row before it was removed or changed)' };
      if (linkHash(prevHash, row.at, row) !== row.hash) return { ok: false, count, brokenAt: row.seq, reason: 'recorded fields do not match the row hash (the row was edited)' };
      prevHash = row.hash;
      afterSeq = row.seq;
      count++;
    }
  }
}

export async function ledgerForCase(db: Knex, caseReference: string): Promise<LedgerRow[]> {
  return (await db('exchange_ledger').where('case_reference', caseReference).orderBy('seq')).map(toRow);
}
