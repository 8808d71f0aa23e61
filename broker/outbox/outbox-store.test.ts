import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { claimDueMessages, moveToDeadLetters, replayDeadLetter, reschedule } from './outbox-store';

describe('outbox claims', () => {
  let db: TestDatabase;
  beforeAll(async () => { db = await createTestDatabase(); });
  afterAll(async () => { await db.dispose(); });
  beforeEach(async () => { await db.knex('outbox').del(); });

  const insert = async (n: number, extra: Record<string, unknown> = {}) => {
    const rows = Array.from({ length: n }, () => ({ id: randomUUID(), case_reference: 'LIC-PAR-2026-000001', partner: 'narsa', operation: 'licence.verify', payload: '{}', ...extra }));
    await db.knex('outbox').insert(rows);
    return rows.map((r) => r.id);
  };

  it('gives concurrent relays disjoint sets, and every due message to one of them', async () => {
    const ids = await insert(200);
    const relay = async () => {
      const mine: string[] = [];
      for (;;) {
        const batch = await claimDueMessages(db.knex, { limit: 7, leaseMs: 60000, as: 'in-flight' });
        if (batch.length === 0) return mine;
        mine.push(...batch.map((m) => m.id));
      }
    };
    const claimed = await Promise.all([relay(), relay(), relay(), relay()]);
    const all = claimed.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all)).toEqual(new Set(ids));
  });

  it('leaves a message alone until it is due, and takes it over when its claimer’s lease runs out', async () => {
    await insert(1, { next_attempt_at: db.knex.raw(`now() + interval '1 hour'`) });
    const [stale] = await insert(1, { status: 'in-flight', locked_until: db.knex.raw(`now() - interval '1 second'`) });
    await insert(1, { status: 'in-flight', locked_until: db.knex.raw(`now() + interval '1 hour'`) });
    const batch = await claimDueMessages(db.knex, { limit: 10, leaseMs: 60000, as: 'in-flight' });
    expect(batch.map((m) => m.id)).toEqual([stale]);
  });

  it('reschedules with the delay asked and replays a dead letter once, audited', async () => {
    const [id] = await insert(1);
    await reschedule(db.knex, id, 60000, { code: 'PARTNER_UNAVAILABLE', message: 'HTTP 503' });
    expect(await claimDueMessages(db.knex, { limit: 10, leaseMs: 1000, as: 'in-flight' })).toEqual([]);
    await moveToDeadLetters(db.knex, id, { code: 'PARTNER_UNAVAILABLE', message: 'gave up' });
    expect(await replayDeadLetter(db.knex, id, 'engineer-7')).toBe(true);
    expect(await replayDeadLetter(db.knex, id, 'engineer-7')).toBe(false);
    const row = await db.knex('outbox').where('id', id).first();
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await db.knex('audit_log').where({ action: 'outbox.replay', subject: id, actor: 'engineer-7' })).toHaveLength(1);
  });
});
