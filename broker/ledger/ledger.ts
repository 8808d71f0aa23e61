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

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The hash of a link: SHA-256 over every recorded field and the previous link's hash, each as `<byte length>:<text>`,
 * in a fixed order. The database computes the same (`hub_ledger_append`, migration 004) when it appends.
 */
export function linkHash(prevHash: string, at: string, e: LedgerEntry): string {
  const fields = [at, e.partner, e.operation, e.direction, e.messageId, e.caseReference ?? '', e.payloadSha256, e.outcome,
    e.durationMs == null ? '' : String(e.durationMs), e.attempt == null ? '' : String(e.attempt), prevHash];
  return sha256Hex(fields.map((f) => `${Buffer.byteLength(f, 'utf8')}:${f}`).join(''));
}

/** Appends within the caller's transaction (so a state change and its evidence commit together). */
export async function appendToLedger(trx: Knex | Knex.Transaction, entry: LedgerEntry, now: Date = new Date()): Promise<void> {
  await trx.raw('SELECT hub_ledger_append(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
    now, entry.partner, entry.operation, entry.direction, entry.messageId, entry.caseReference ?? null, entry.payloadSha256, entry.outcome,
    entry.durationMs == null ? null : Math.round(entry.durationMs), entry.attempt ?? null,
  ]);
}

export async function appendLedgerEntry(db: Knex, entry: LedgerEntry, now?: Date): Promise<void> {
  await appendToLedger(db, entry, now);
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
