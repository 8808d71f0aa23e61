import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAgenciesFixture, type AgenciesFixture } from '../support/agencies-fixture';
import { eventually } from '../support/hub-fixture';

type View = {
  id: string; reference: string; status: string; data: Record<string, unknown>;
  results: { identityCheck: Record<string, unknown>; registration: { number: string; post: string; registeredOn: string; validUntil: string } };
  history: Array<{ status: string; actor: string; note?: string }>;
  exchanges: Array<{ partner: string; operation: string; direction: string; status: string; attempts: number }>;
  documents: Array<{ id: string; kind: string; filename: string; href: string }>;
};
type Body = { service: string; post: string; applicant: Record<string, unknown>; data: Record<string, unknown> };

const example = (name: string): Body => JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'docs', 'examples', `${name}.json`), 'utf8'));

describe('consular registration (new, renewal, update), end to end through the portal, the DGSN sandbox and the database', () => {
  let f: AgenciesFixture;
  let amina: string;
  let youssef: string;
  const agents: Record<string, string> = {};
  let keys = 0;

  beforeAll(async () => {
    f = await startAgenciesFixture();
    amina = await f.token('citizen', { sub: 'amina' });
    youssef = await f.token('citizen', { sub: 'youssef' });
    for (const post of ['CG-PARIS', 'CG-BRUXELLES', 'CG-MADRID']) agents[post] = await f.token('agent', { sub: `agent-${post}`, post });
  });
  afterAll(async () => { await f?.dispose(); });
  afterEach(() => { f.agencies.dgsn.faults.reset(); });

  const submit = (token: string, body: unknown) => f.api('POST', '/api/v1/requests', { token, body, headers: { 'idempotency-key': `reg-${++keys}` } });
  const view = async (id: string, post: string): Promise<View> => (await f.api('GET', `/api/v1/requests/${id}`, { token: agents[post] })).body as View;
  const waitFor = (id: string, post: string, status: string) => eventually(async () => { const v = await view(id, post); return v.status === status ? v : undefined; });
  const act = async (id: string, post: string, action: string, body: unknown = {}) => {
    const res = await f.api('POST', `/api/v1/requests/${id}/actions/${action}`, { token: agents[post], body });
    expect(res.status).toBe(200);
    return res.body as View;
  };
  const registry = (number: string) => f.hub.database.knex('registrations').where({ number }).first();
  const dgsnCalls = () => f.agencies.dgsn.received.entries().filter((e) => e.path.endsWith('/identity/verifications'));

  /** Approve, issue, and check the card: its number in the results, the document named after it, a PDF the citizen downloads. */
  async function approveAndIssue(id: string, post: string, citizen: string): Promise<View> {
    await act(id, post, 'approve');
    const done = await act(id, post, 'issue');
    expect(done.status).toBe('completed');
    const number = done.results.registration.number;
    expect(done.documents).toEqual([expect.objectContaining({ kind: 'registration-card', filename: `${number}.pdf` })]);
    const pdf = await f.api('GET', done.documents[0].href, { token: citizen });
    expect(pdf.status).toBe(200);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.bytes.toString('latin1')).toContain(number); // the document info carries the number
    return done;
  }

  let aminaNumber = '';

  it('docs/examples/registration-new.json: Amina in Paris, DGSN MATCH, the agent approves and issues the card with a new number', async () => {
    const before = dgsnCalls().length;
    const created = await submit(amina, example('registration-new'));
    expect(created.status).toBe(201);
    const { id, status } = created.body as { id: string; status: string };
    expect(status).toBe('awaiting-partners');
    const ready = await waitFor(id, 'CG-PARIS', 'ready-for-decision');
    expect(ready.results.identityCheck).toMatchObject({ cnie: 'BK123456', outcome: 'match', cnieValidUntil: '2031-04-11', unmatchedFields: [] });
    expect(ready.exchanges).toEqual(expect.arrayContaining([
      expect.objectContaining({ partner: 'dgsn', operation: 'identity.verify', direction: 'out', status: 'delivered', attempts: 1 }),
    ]));
    expect(dgsnCalls().length - before).toBe(1);
    const done = await approveAndIssue(id, 'CG-PARIS', amina);
    aminaNumber = done.results.registration.number;
    expect(aminaNumber).toMatch(/^REG-PAR-\d{4}-\d{6}$/);
    expect(done.history.at(-1)?.note).toContain(`registration ${aminaNumber} registered`);
    expect(await registry(aminaNumber)).toMatchObject({ cnie: 'BK123456', post: 'CG-PARIS', profession: 'Architecte' });
  });

  it('refuses at submission an address outside the post\'s district, naming the field, and writes nothing', async () => {
    const body = example('registration-new');
    const count = async () => Number((await f.hub.database.knex('requests').count<{ c: number }[]>('* as c'))[0].c);
    const before = await count();
    const res = await submit(amina, { ...body, post: 'CG-MADRID' });
    expect(res.status).toBe(400);
    expect((res.body as { errors: Array<{ path: string; message: string }> }).errors).toEqual([
      { path: '/data/residence/country', message: expect.stringContaining('outside the district of CG-MADRID') }]);
    const again = await submit(amina, body);
    expect(again.status).toBe(400);
    expect((again.body as { errors: Array<{ path: string }> }).errors[0].path).toBe('/data/identity/cnie'); // already registered at this post
    expect(await count()).toBe(before);
  });

  it('a move to Brussels keeps the number, through DGSN down for a while (503, then back) and an expired token mid-flow', async () => {
    const body = example('registration-new');
    body.post = 'CG-BRUXELLES';
    body.data.residence = { line1: 'Rue Neuve 7', postalCode: '1000', city: 'Bruxelles', country: 'BEL' };
    f.agencies.dgsn.faults.set({ fail503: 2, retryAfterSeconds: 0, expireTokens: 1 });
    const before = dgsnCalls().length;
    const created = await submit(amina, body);
    const id = (created.body as { id: string }).id;
    const ready = await waitFor(id, 'CG-BRUXELLES', 'ready-for-decision');
    const calls = dgsnCalls().slice(before);
    // Two maintenance answers (retried by the outbox), one expired token (refreshed once by the connector), then the answer.
    expect(calls.map((c) => c.status)).toEqual([503, 503, 401, 200]);
    expect(new Set(calls.map((c) => c.messageId)).size).toBe(1); // one message, the same id at every attempt
    expect(ready.exchanges).toEqual(expect.arrayContaining([expect.objectContaining({ operation: 'identity.verify', direction: 'out', status: 'delivered', attempts: 3 })]));
    expect(ready.history.find((h) => h.status === 'awaiting-partners')?.note).toContain('a move from CG-PARIS');
    const done = await approveAndIssue(id, 'CG-BRUXELLES', amina);
    expect(done.results.registration).toMatchObject({ number: aminaNumber, post: 'CG-BRUXELLES' });
    expect(await registry(aminaNumber)).toMatchObject({ post: 'CG-BRUXELLES' });
    expect(Number((await f.hub.database.knex('registrations').where({ cnie: 'BK123456' }).count<{ c: number }[]>('* as c'))[0].c)).toBe(1);
  });

  it('docs/examples/registration-renewal.json: Youssef renews REG-BRU-2019-000042 (seeded), same number, five more years', async () => {
    const seeded = await registry('REG-BRU-2019-000042');
    expect(seeded).toMatchObject({ cnie: 'AB987654', post: 'CG-BRUXELLES' });
    const created = await submit(youssef, example('registration-renewal'));
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    await waitFor(id, 'CG-BRUXELLES', 'ready-for-decision');
    const done = await approveAndIssue(id, 'CG-BRUXELLES', youssef);
    expect(done.results.registration.number).toBe('REG-BRU-2019-000042');
    expect(done.results.registration.registeredOn).toBe('2019-03-18');
    expect(done.results.registration.validUntil > String(new Date().getFullYear() + 4)).toBe(true);
    // Renewed: the window is closed again.
    const twice = await submit(youssef, example('registration-renewal'));
    expect(twice.status).toBe(400);
    expect((twice.body as { errors: Array<{ path: string; message: string }> }).errors[0]).toEqual({ path: '/data/registrationNumber', message: expect.stringContaining('not renewable yet') });
  });

  it('refuses a renewal of an unknown or another person\'s registration, naming the field, without telling which', async () => {
    const body = example('registration-renewal');
    const asAmina = { ...body, applicant: { familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' },
      data: { ...body.data, identity: { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' } } };
    const someoneElses = await submit(amina, asAmina);
    const unknown = await submit(youssef, { ...body, data: { ...body.data, registrationNumber: 'REG-BRU-2019-999999' } });
    for (const res of [someoneElses, unknown]) {
      expect(res.status).toBe(400);
      expect((res.body as { errors: unknown[] }).errors).toEqual([{ path: '/data/registrationNumber', message: 'is not a registration of this person' }]);
    }
  });

  it('docs/examples/registration-update.json: an address and profession change goes to no agency, the request shows what changed', async () => {
    const before = dgsnCalls().length;
    const created = await submit(youssef, example('registration-update'));
    expect(created.status).toBe(201);
    const { id, status } = created.body as { id: string; status: string };
    expect(status).toBe('ready-for-decision');
    const v = await view(id, 'CG-BRUXELLES');
    expect(v.exchanges).toEqual([]);
    expect(v.history.at(-1)?.note).toBe('changed: residence, profession; no agency needs these changes');
    const done = await approveAndIssue(id, 'CG-BRUXELLES', youssef);
    expect(done.results.registration.number).toBe('REG-BRU-2019-000042');
    expect(dgsnCalls().length).toBe(before);
    expect(await registry('REG-BRU-2019-000042')).toMatchObject({ profession: 'Chef de projet', residence: expect.objectContaining({ city: 'Ixelles' }) });
  });

  it('an identity change goes to DGSN; PARTIAL_MATCH puts it before an agent with the matched and unmatched fields', async () => {
    const body = example('registration-update');
    body.data.changes = { identity: { givenNames: 'Youssef Karim' } };
    const created = await submit(youssef, body);
    const id = (created.body as { id: string }).id;
    expect((created.body as { status: string }).status).toBe('awaiting-partners');
    const review = await waitFor(id, 'CG-BRUXELLES', 'in-review');
    expect(review.results.identityCheck).toMatchObject({ outcome: 'partial-match', matchedFields: ['cnie', 'familyName', 'birthDate'], unmatchedFields: ['givenNames'] });
    expect(review.history.at(-1)).toMatchObject({ actor: 'dgsn', note: expect.stringContaining('not matched givenNames') });
    expect(review.history.find((h) => h.status === 'awaiting-partners')?.note).toContain('changed: identity.givenNames');
    // The agent checked the civil-status extract and approves.
    const done = await approveAndIssue(id, 'CG-BRUXELLES', youssef);
    expect(done.results.registration.number).toBe('REG-BRU-2019-000042');
    expect((await registry('REG-BRU-2019-000042')).person).toMatchObject({ givenNames: 'Youssef Karim', cnie: 'AB987654' });
  });

  it('rejects with the reason when DGSN answers DECEASED or DOCUMENT_INVALID', async () => {
    const khadija = await f.token('citizen', { sub: 'khadija-family' });
    const person = (cnie: string, familyName: string, givenNames: string, birthDate: string): Body => ({
      service: 'registration-new', post: 'CG-MADRID', applicant: { familyName, givenNames, birthDate, cnie },
      data: { identity: { cnie, familyName, givenNames, birthDate }, residence: { line1: 'Calle Mayor 1', postalCode: '28013', city: 'Madrid', country: 'ESP' } },
    });
    const deceased = await submit(khadija, person('CD555111', 'ALAOUI', 'Khadija', '1948-02-20'));
    const invalid = await submit(khadija, person('EE246810', 'ZIANI', 'Karim', '1982-07-19'));
    const d = await waitFor((deceased.body as { id: string }).id, 'CG-MADRID', 'rejected');
    expect(d.history.at(-1)).toMatchObject({ actor: 'dgsn', note: 'DGSN: the holder of this CNIE is recorded as deceased' });
    expect(d.results.identityCheck.outcome).toBe('deceased');
    const i = await waitFor((invalid.body as { id: string }).id, 'CG-MADRID', 'rejected');
    expect(i.history.at(-1)?.note).toMatch(/identity card is not valid/);
    expect(await f.hub.database.knex('registrations').whereIn('cnie', ['CD555111', 'EE246810']).first()).toBeUndefined();
    // Nothing to issue from a rejection.
    const res = await f.api('POST', `/api/v1/requests/${d.id}/actions/issue`, { token: agents['CG-MADRID'], body: {} });
    expect(res.status).toBe(409);
  });
});
