import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { createRequestStore } from './request-store';
import type { NewRequest, RequestStore } from '../../services/requests/ports';

describe('request store', () => {
  let db: TestDatabase;
  let store: RequestStore;
  beforeAll(async () => { db = await createTestDatabase(); store = createRequestStore(db.knex); });
  afterAll(async () => { await db.dispose(); });

  const draft = (over: Partial<NewRequest> = {}): NewRequest => ({
    id: randomUUID(), referencePrefix: 'LIC', service: 'licence-authentication', post: 'CG-PARIS', ownerSub: 'amina',
    applicant: { familyName: 'EL FASSI' }, data: { licenceNumber: '12/345678' }, status: 'awaiting-partners',
    history: [{ at: '2026-11-27T10:00:00.000Z', status: 'submitted', actor: 'amina' }, { at: '2026-11-27T10:00:00.000Z', status: 'awaiting-partners', actor: 'hub' }],
    outbox: [{ partner: 'narsa', operation: 'licence.verify', payload: { licenceNumber: '12/345678' }, replyAction: 'x.y' }],
    ...over,
  });

  it('creates one request for concurrent submissions with the same key and body', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => store.create(draft(), { key: 'same-key', bodySha256: 'h1' })));
    expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'replayed')).toHaveLength(7);
    const ids = new Set(results.map((r) => (r.kind === 'key-conflict' ? undefined : r.request.id)));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as string[];
    expect(await db.knex('outbox').where('request_id', id)).toHaveLength(1);
    expect(await store.create(draft(), { key: 'same-key', bodySha256: 'h2' })).toEqual({ kind: 'key-conflict' });
  });

  it('writes concurrent submissions together, and a bad one cannot fail the others of its batch', async () => {
    const good = [draft(), draft(), draft()];
    const bad = draft({ id: 'not-a-uuid' });
    const results = await Promise.allSettled([...good, bad].map((d, i) => store.create(d, { key: `batch-${i}`, bodySha256: 'h' })));
    expect(results.slice(0, 3).map((r) => (r.status === 'fulfilled' ? r.value.kind : 'rejected'))).toEqual(['created', 'created', 'created']);
    expect(results[3].status).toBe('rejected');
    for (const d of good) expect(await db.knex('outbox').where('request_id', d.id)).toHaveLength(1);
    expect(await db.knex('idempotency_keys').where('key', 'batch-3')).toHaveLength(0);
  });

  it('keeps references unique past the six-digit counter', async () => {
    await db.knex.raw(`SELECT setval('request_reference_seq', 999999)`);
    const a = await store.create(draft(), { key: 'k-ref-a', bodySha256: 'h' });
    const b = await store.create(draft(), { key: 'k-ref-b', bodySha256: 'h' });
    const refs = [a, b].map((r) => (r.kind === 'created' ? r.request.reference : r.kind));
    expect(refs).toEqual([expect.stringMatching(/^LIC-PAR-2026-1000000$/), expect.stringMatching(/^LIC-PAR-2026-1000001$/)]);
  });

  it('applies a transition only from the expected status, with its history, atomically', async () => {
    const created = await store.create(draft(), { key: 'k-transition', bodySha256: 'h' });
    if (created.kind !== 'created') throw new Error('expected a new request');
    const id = created.request.id;
    const at = '2026-11-27T10:01:00.000Z';
    const first = await store.transition({ id, from: ['awaiting-partners'], to: 'ready-for-decision', history: { at, status: 'ready-for-decision', actor: 'narsa' }, results: { v: { outcome: 'valid' } } });
    expect(first).toMatchObject({ kind: 'applied', request: { status: 'ready-for-decision', version: 2, results: { v: { outcome: 'valid' } } } });
    const again = await store.transition({ id, from: ['awaiting-partners'], to: 'rejected', history: { at, status: 'rejected', actor: 'narsa' } });
    expect(again).toEqual({ kind: 'status-conflict', status: 'ready-for-decision' });
    const details = await store.details(id);
    expect(details?.history.map((h) => h.status)).toEqual(['submitted', 'awaiting-partners', 'ready-for-decision']);
    expect(await store.transition({ id: randomUUID(), from: ['x'], to: 'y', history: { at, status: 'y', actor: 'a' } })).toEqual({ kind: 'not-found' });
  });

  it('never stores two documents of one kind for a request', async () => {
    const created = await store.create(draft(), { key: 'k-doc', bodySha256: 'h' });
    if (created.kind !== 'created') throw new Error('expected a new request');
    const id = created.request.id;
    const doc = { kind: 'licence-attestation', filename: 'a.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.3') };
    const at = '2026-11-27T10:02:00.000Z';
    await store.transition({ id, from: ['awaiting-partners'], to: 'completed', history: { at, status: 'completed', actor: 'agent' }, documents: [doc] });
    // Even a buggy caller that skips the status check cannot add a second one: the whole change is refused.
    await expect(store.transition({ id, from: ['completed'], to: 'completed', history: { at, status: 'completed', actor: 'agent' }, documents: [doc] })).rejects.toThrow();
    expect((await store.details(id))?.documents).toHaveLength(1);
    expect((await store.details(id))?.history.filter((h) => h.status === 'completed')).toHaveLength(1);
  });
});
