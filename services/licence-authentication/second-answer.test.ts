import { randomUUID } from 'node:crypto';
import { ServiceBroker } from 'moleculer';
import type { PartnerReply } from '../../broker/inbox/processor';
import { loadPosts, loadServiceCatalogue } from '../../config/catalogue';
import { createRequestStore } from '../../db/repositories/request-store';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import type { RequestStore } from '../requests/ports';
import { createRequestsService } from '../requests/service';
import { createLicenceAuthenticationService } from './service';

/**
 * NARSA may answer a request twice: the night batch after a real-time answer, a result file written again with
 * other bytes. The first decision stands; the second answer is recorded in the request's history, not applied.
 * On the real request lifecycle and store (PGlite, or PostgreSQL with DATABASE_URL): the note depends on the
 * conditional transition refusing the second answer and saying what status the request is in.
 */
describe('licence authentication: a NARSA answer for a request already decided', () => {
  let db: TestDatabase;
  let store: RequestStore;
  const broker = new ServiceBroker({ logger: false });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = createRequestStore(db.knex);
    const posts = loadPosts();
    broker.createService(createRequestsService({ store, services: loadServiceCatalogue(), posts }));
    broker.createService(createLicenceAuthenticationService({ posts, now: () => new Date('2026-11-27T10:00:00Z') }));
    await broker.start();
  });
  afterAll(async () => { await broker.stop(); await db.dispose(); });

  async function awaitingNarsa(): Promise<string> {
    const id = randomUUID();
    await store.create({
      id, referencePrefix: 'LIC', service: 'licence-authentication', post: 'CG-PARIS', ownerSub: 'amina',
      applicant: { familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' },
      data: { licenceNumber: '12/345678', holder: { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' } },
      status: 'awaiting-partners', history: [{ at: '2026-11-27T09:00:00.000Z', status: 'awaiting-partners', actor: 'hub' }], outbox: [],
    }, { key: `k-${id}`, bodySha256: 'h' });
    return id;
  }
  const answer = (requestId: string, outcome: string, messageId: string): PartnerReply => ({
    requestId, caseReference: null, messageId, partner: 'narsa', operation: 'licence.verify', kind: 'answer',
    result: { outcome, licenceNumber: '12/345678', categories: [{ code: 'B' }] },
  });
  const reply = (r: PartnerReply) => broker.call('licence-authentication.verificationResult', r) as Promise<{ applied: boolean; status?: string }>;

  it('applies the first answer; a later, different answer leaves the decision and its result as they are and says so in the history', async () => {
    const id = await awaitingNarsa();
    expect(await reply(answer(id, 'valid', 'rt-1'))).toEqual({ applied: true, status: 'ready-for-decision' });
    expect(await reply(answer(id, 'suspended', 'batch-7'))).toEqual({ applied: false, status: 'ready-for-decision' });

    const details = await store.details(id);
    expect(details?.status).toBe('ready-for-decision');
    expect(details?.results.licenceVerification).toMatchObject({ outcome: 'valid', reference: 'rt-1' });
    expect(details?.history.slice(-2)).toEqual([
      expect.objectContaining({ status: 'ready-for-decision', actor: 'narsa', note: 'NARSA: licence valid' }),
      expect.objectContaining({ status: 'ready-for-decision', actor: 'narsa', note: 'NARSA answered again (suspended) for a request already ready-for-decision: recorded, not applied' }),
    ]);
  });

  it('says the status the request is in when the second answer comes after a rejection', async () => {
    const id = await awaitingNarsa();
    await reply(answer(id, 'not-found', 'rt-2'));
    await reply(answer(id, 'valid', 'batch-8'));
    const details = await store.details(id);
    expect(details?.status).toBe('rejected');
    expect(details?.history.at(-1)).toMatchObject({ status: 'rejected', note: 'NARSA answered again (valid) for a request already rejected: recorded, not applied' });
  });

  it('writes no such note for the first answer', async () => {
    const id = await awaitingNarsa();
    await reply(answer(id, 'valid', 'rt-3'));
    const notes = (await store.details(id))?.history.map((h) => h.note ?? '') ?? [];
    expect(notes.some((n) => n.includes('answered again'))).toBe(false);
  });
});
