import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { appendLedgerEntry, ledgerForCase, verifyLedger, sha256Hex } from './ledger';

describe('exchange ledger', () => {
  let db: TestDatabase;
  beforeAll(async () => { db = await createTestDatabase(); });
  afterAll(async () => { await db.dispose(); });

  const entry = (n: number) => ({
    partner: 'narsa', operation: 'licence.verify', direction: (n % 2 ? 'in' : 'out') as 'in' | 'out', messageId: `m-${n}`,
    caseReference: n < 3 ? 'LIC-PAR-2026-000001' : 'LIC-PAR-2026-000002', payloadSha256: sha256Hex(String(n)), outcome: 'delivered', durationMs: n, attempt: 1,
  });

  it('chains entries and verifies an untouched chain', async () => {
    for (let i = 0; i < 6; i++) await appendLedgerEntry(db.knex, entry(i));
    // Absent fields and non-ASCII text hash the same in the database (which appends) and here (which verifies).
    await appendLedgerEntry(db.knex, { partner: 'interior', operation: 'callback.Décision', direction: 'in', messageId: 'cb-1', payloadSha256: sha256Hex('x'), outcome: 'reçu' });
    await expect(verifyLedger(db.knex)).resolves.toEqual({ ok: true, count: 7 });
    const trail = await ledgerForCase(db.knex, 'LIC-PAR-2026-000001');
    expect(trail.map((r) => r.messageId)).toEqual(['m-0', 'm-1', 'm-2']);
    expect(trail[1].prevHash).toBe(trail[0].hash);
  });

  it('refuses updates and deletes from the application', async () => {
    await expect(db.knex('exchange_ledger').where('message_id', 'm-1').update({ outcome: 'edited' })).rejects.toThrow(/append-only/);
    await expect(db.knex('exchange_ledger').where('message_id', 'm-1').del()).rejects.toThrow(/append-only/);
  });

  it('names the first edited row when someone with table rights bypasses the trigger', async () => {
    await db.knex.raw('ALTER TABLE exchange_ledger DISABLE TRIGGER exchange_ledger_no_update');
    try {
      const target = await db.knex('exchange_ledger').where('message_id', 'm-3').first();
      await db.knex('exchange_ledger').where('seq', target.seq).update({ outcome: 'answer 200 (forged)' });
      const result = await verifyLedger(db.knex);
      expect(result).toMatchObject({ ok: false, brokenAt: Number(target.seq), count: 3 });
      expect(result.ok === false && result.reason).toMatch(/edited/);
    } finally {
      await db.knex.raw('ALTER TABLE exchange_ledger ENABLE TRIGGER exchange_ledger_no_update');
    }
  });

  it('detects a removed row by the broken link after it', async () => {
    await db.knex.raw('ALTER TABLE exchange_ledger DISABLE TRIGGER exchange_ledger_no_update');
    try {
      await db.knex('exchange_ledger').del(); // start again: a clean chain, then remove one link
      for (let i = 0; i < 4; i++) await appendLedgerEntry(db.knex, entry(i));
      const rows = await db.knex('exchange_ledger').orderBy('seq');
      await db.knex('exchange_ledger').where('seq', rows[1].seq).del();
      const result = await verifyLedger(db.knex);
      expect(result).toMatchObject({ ok: false, brokenAt: Number(rows[2].seq) });
      expect(result.ok === false && result.reason).toMatch(/previous-hash/);
    } finally {
      await db.knex.raw('ALTER TABLE exchange_ledger ENABLE TRIGGER exchange_ledger_no_update');
    }
  });
});
