import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { recordInboundBatch } from './batch-store';
import { recordInbound, type InboundRecord } from './inbox-store';

describe('recordInboundBatch', () => {
  let db: TestDatabase;
  beforeAll(async () => { db = await createTestDatabase(); });
  afterAll(async () => { await db.dispose(); });
  beforeEach(async () => { await db.knex('inbox').del(); });

  const record = (i: number, extra: Partial<InboundRecord> = {}): InboundRecord => ({
    partner: 'narsa', messageId: `result:REQ-${i}`, operation: 'licence.verify-batch',
    payload: { kind: 'batch-result', requestId: `REQ-${i}`, outcome: 'not-found', note: 'l\'apostrophe, "guillemets", عربي' },
    ...extra,
  });

  it('writes every record across several chunks, with all the columns', async () => {
    const requestId = randomUUID();
    const records = Array.from({ length: 25 }, (_, i) => record(i, i === 3 ? { caseReference: 'LIC-PAR-2026-000003', requestId, replyAction: 'x.y' } : {}));
    expect(await recordInboundBatch(db.knex, records, { chunkSize: 10 })).toEqual({ inserted: 25, duplicates: 0 });
    const rows = await db.knex('inbox').select('*').orderBy('id');
    expect(rows.map((r) => r.message_id)).toEqual(records.map((r) => r.messageId));
    const third = rows[3];
    expect(third).toMatchObject({ partner: 'narsa', operation: 'licence.verify-batch', case_reference: 'LIC-PAR-2026-000003', request_id: requestId, reply_action: 'x.y', status: 'received' });
    const payload = typeof third.payload === 'string' ? JSON.parse(third.payload) : third.payload;
    expect(payload).toEqual(records[3].payload);
    expect(rows[0]).toMatchObject({ case_reference: null, request_id: null, reply_action: null });
  });

  it('absorbs records already in the inbox (one by one or by a batch) and repeats inside the same call', async () => {
    await recordInbound(db.knex, record(1));
    await recordInboundBatch(db.knex, [record(2), record(3)]);
    const again = [record(1), record(2), record(4), record(4), record(5), record(3)];
    expect(await recordInboundBatch(db.knex, again, { chunkSize: 4 })).toEqual({ inserted: 2, duplicates: 4 });
    expect(await db.knex('inbox').count({ n: '*' })).toEqual([{ n: 5 }]);
    // The same message id from another partner is another message.
    expect(await recordInboundBatch(db.knex, [record(1, { partner: 'dgsn' })])).toEqual({ inserted: 1, duplicates: 0 });
  });

  it('does nothing for no records, and refuses a chunk size that is not a positive integer', async () => {
    expect(await recordInboundBatch(db.knex, [])).toEqual({ inserted: 0, duplicates: 0 });
    await expect(recordInboundBatch(db.knex, [record(1)], { chunkSize: 0 })).rejects.toThrow(RangeError);
  });

  it('inside a transaction that rolls back, writes nothing', async () => {
    await expect(db.knex.transaction(async (trx) => {
      await recordInboundBatch(trx, [record(1), record(2)]);
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect(await db.knex('inbox').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
