import { readFileSync } from 'node:fs';
import path from 'node:path';
import { replayDeadLetter } from '../../broker/outbox/outbox-store';
import { addDays, addMonths } from '../../services/registration/validity';
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
  let youssefValidUntil = '';

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
    youssefValidUntil = done.results.registration.validUntil;
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

  it('DGSN down past the retries: a dead letter, the request notes it and waits; replayed (as `hub dead-letters replay` does), it moves on', async () => {
    const body = example('registration-update');
    body.data.changes = { identity: { givenNames: 'Youssef' } }; // back to the name DGSN knows: MATCH once delivered
    f.agencies.dgsn.faults.set({ fail503: 'always', retryAfterSeconds: 0 });
    const created = await submit(youssef, body);
    const id = (created.body as { id: string }).id;
    const asCitizen = async () => (await f.api('GET', `/api/v1/requests/${id}`, { token: youssef })).body as View;
    const noted = await eventually(async () => {
      const v = await asCitizen();
      return v.history.some((h) => /dead letters/.test(h.note ?? '')) ? v : undefined;
    }, 60000, 100);
    // What the citizen sees: still waiting, with the reason in the history; nothing decided.
    expect(noted.status).toBe('awaiting-partners');
    expect(noted.history.at(-1)).toMatchObject({ status: 'awaiting-partners', actor: 'hub',
      note: 'DGSN identity check not delivered (PARTNER_UNAVAILABLE): in dead letters, an engineer can replay it' });
    expect(noted.exchanges).toEqual(expect.arrayContaining([expect.objectContaining({ operation: 'identity.verify', direction: 'out', status: 'dead', attempts: 4 })]));

    f.agencies.dgsn.faults.reset();
    const dead = await f.hub.database.knex('outbox').where({ request_id: id, status: 'dead' }).first();
    expect(await replayDeadLetter(f.hub.database.knex, dead.id, 'engineer-1')).toBe(true);
    f.hub.relay.poke();
    const ready = await eventually(async () => { const v = await asCitizen(); return v.status === 'ready-for-decision' ? v : undefined; }, 60000, 100);
    expect(ready.results.identityCheck).toMatchObject({ outcome: 'match', unmatchedFields: [] });
    expect(ready.history.filter((h) => h.status === 'ready-for-decision')).toHaveLength(1);
    const delivered = dgsnCalls().filter((c) => c.messageId === dgsnCalls().at(-1)?.messageId);
    expect(delivered.map((c) => c.status)).toEqual([503, 503, 503, 503, 200]); // the same message id, replayed
    await act(id, 'CG-BRUXELLES', 'cancel'); // not issued: the registry keeps the name of the previous test
  }, 90000);

  describe('the registry, read through the portal', () => {
    const read = (url: string, token: string) => f.api('GET', url, { token });
    type Reg = { number: string; post: string; status: string; validUntil: string; renewal: { from: string; until: string; open: boolean }; householdCount: number;
      household?: Array<{ givenNames: string }>; person?: { cnie: string } };

    it('an agent of the post sees the registration with its computed status, renewal window and household; a supervisor the summary only', async () => {
      const asAgent = await read('/api/v1/registrations/REG-BRU-2019-000042', agents['CG-BRUXELLES']);
      expect(asAgent.status).toBe(200);
      expect(asAgent.headers.get('cache-control')).toBe('no-store');
      const reg = asAgent.body as Reg;
      expect(reg).toMatchObject({ number: 'REG-BRU-2019-000042', post: 'CG-BRUXELLES', status: 'active', registeredOn: '2019-03-18', householdCount: 1,
        household: [expect.objectContaining({ givenNames: 'Leila' })], person: expect.objectContaining({ cnie: 'AB987654' }) });
      // Renewed in an earlier test: valid five more years, the window opens six months before the last day.
      expect(reg.validUntil).toBe(youssefValidUntil);
      expect(reg.renewal).toEqual({ from: addMonths(youssefValidUntil, -6), until: addMonths(youssefValidUntil, 12), open: false });

      const supervisor = await f.token('supervisor', { sub: 'supervisor-bru', post: 'CG-BRUXELLES' });
      const summary = (await read('/api/v1/registrations/REG-BRU-2019-000042', supervisor)).body as Reg;
      expect(summary).toEqual({ number: 'REG-BRU-2019-000042', post: 'CG-BRUXELLES', status: 'active', registeredOn: '2019-03-18', validUntil: reg.validUntil,
        renewal: reg.renewal, householdCount: 1 });
    });

    it('an agent of another post gets the 404 an unknown number gets, never a 403; by CNIE, an empty list', async () => {
      const elsewhere = await read('/api/v1/registrations/REG-BRU-2019-000042', agents['CG-PARIS']);
      const unknown = await read('/api/v1/registrations/REG-BRU-2019-999999', agents['CG-PARIS']);
      const pick = (b: unknown) => { const { code, title, detail } = b as Record<string, unknown>; return { code, title, detail }; };
      expect(elsewhere.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(pick(elsewhere.body)).toEqual(pick(unknown.body));
      // Reading the registry is personal data: who tried to read which number, and what they got, is in the audit log.
      expect(await f.hub.database.knex('audit_log').where({ action: 'registration.lookup', actor: 'agent-CG-PARIS', subject: 'REG-BRU-2019-000042' }).select('outcome'))
        .toEqual([{ outcome: 'NOT_FOUND' }]);
      // Amina moved from Paris to Brussels: Paris no longer sees her registration.
      expect((await read(`/api/v1/registrations/${aminaNumber}`, agents['CG-PARIS'])).status).toBe(404);
      expect((await read('/api/v1/registrations?cnie=BK123456', agents['CG-PARIS'])).body).toEqual({ items: [] });
      expect(((await read('/api/v1/registrations?cnie=BK123456', agents['CG-BRUXELLES'])).body as { items: Reg[] }).items)
        .toEqual([expect.objectContaining({ number: aminaNumber, post: 'CG-BRUXELLES', status: 'active' })]);
    });

    it('a citizen reads their own registration (by the sub that registered it), no one else\'s', async () => {
      const own = await read(`/api/v1/registrations/${aminaNumber}`, amina);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ number: aminaNumber, household: [expect.objectContaining({ givenNames: 'Nour' })], householdCount: 1 });
      expect((await read('/api/v1/registrations?cnie=BK123456', amina)).body).toEqual({ items: [expect.objectContaining({ number: aminaNumber })] });
      expect((await read('/api/v1/registrations/REG-BRU-2019-000042', amina)).status).toBe(404);
      expect((await read('/api/v1/registrations?cnie=AB987654', amina)).body).toEqual({ items: [] });
      // The seeded registration had no portal owner; Youssef's renewal, issued, made him its owner.
      expect((await read('/api/v1/registrations/REG-BRU-2019-000042', youssef)).status).toBe(200);
      expect(await registry('REG-BRU-2019-000042')).toMatchObject({ owner_sub: 'youssef' });
    });

    it('a registration past its last day reads `expired` though its row says `active`; the window says whether it can still be renewed', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const lapsed = (number: string, cnie: string, validUntil: string) => ({ number, cnie, post: 'CG-MADRID', status: 'active',
        person: JSON.stringify({ cnie, familyName: 'TEST', givenNames: 'Lapsed', birthDate: '1980-01-01' }),
        residence: JSON.stringify({ line1: 'Calle Mayor 1', city: 'Madrid', country: 'ESP' }), household: '[]', registered_on: '2015-05-05', valid_until: validUntil });
      await f.hub.database.knex('registrations').insert([lapsed('REG-MAD-2015-000101', 'XX100101', addDays(today, -30)), lapsed('REG-MAD-2015-000102', 'XX100102', addDays(today, -800))]);
      const recent = (await read('/api/v1/registrations/REG-MAD-2015-000101', agents['CG-MADRID'])).body as Reg;
      expect(recent).toMatchObject({ status: 'expired', validUntil: addDays(today, -30), renewal: { open: true } });
      const old = (await read('/api/v1/registrations?cnie=XX100102', agents['CG-MADRID'])).body as { items: Reg[] };
      expect(old.items).toEqual([expect.objectContaining({ status: 'expired', renewal: expect.objectContaining({ open: false }) })]);
    });

    it('refuses a malformed CNIE naming the field, and roles that do not read the registry', async () => {
      const bad = await read('/api/v1/registrations?cnie=not-a-cnie', agents['CG-MADRID']);
      expect(bad.status).toBe(400);
      expect((bad.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual(['/cnie']);
      const engineer = await f.token('engineer', { sub: 'eng-1' });
      expect((await read('/api/v1/registrations/REG-BRU-2019-000042', engineer)).status).toBe(403);
      expect((await f.api('GET', '/api/v1/registrations/REG-BRU-2019-000042')).status).toBe(401);
    });
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
