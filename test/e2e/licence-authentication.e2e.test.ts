import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verifyLedger } from '../../broker/ledger/ledger';
import { amina, licenceRequest, youssef } from '../support/demo';
import { eventually, startHubFixture, type HubFixture } from '../support/hub-fixture';

type View = { id: string; reference: string; status: string; history: Array<{ status: string; actor: string; note?: string }>;
  exchanges: Array<{ partner: string; operation: string; direction: string; status: string; attempts: number; lastErrorCode?: string }>;
  documents: Array<{ id: string; kind: string; href: string }>; results: Record<string, unknown> };

describe('licence authentication, end to end through the portal, NARSA sandbox and the database', () => {
  let f: HubFixture;
  let citizen: string;
  let agent: string;
  beforeAll(async () => {
    f = await startHubFixture();
    citizen = await f.token('citizen', { sub: 'amina' });
    agent = await f.token('agent', { sub: 'agent-paris', post: 'CG-PARIS' });
  });
  afterAll(async () => { await f.dispose(); });

  const statusOf = async (id: string, token = agent): Promise<View> => (await f.api('GET', `/api/v1/requests/${id}`, { token })).body as View;
  const waitFor = (id: string, status: string) => eventually(async () => { const v = await statusOf(id); return v.status === status ? v : undefined; });

  it('verifies a valid licence with NARSA, then the agent issues the attestation the citizen downloads', async () => {
    const created = await f.api('POST', '/api/v1/requests', { token: citizen, body: licenceRequest(amina), headers: { 'idempotency-key': 'amina-1' } });
    expect(created.status).toBe(201);
    const { id, reference, status } = created.body as { id: string; reference: string; status: string };
    expect(status).toBe('awaiting-partners');
    expect(reference).toMatch(/^LIC-PAR-\d{4}-\d{6}$/);

    const ready = await waitFor(id, 'ready-for-decision');
    expect(ready.history.map((h) => h.status)).toEqual(['submitted', 'awaiting-partners', 'ready-for-decision']);
    expect(ready.exchanges).toEqual(expect.arrayContaining([
      expect.objectContaining({ partner: 'narsa', operation: 'licence.verify', direction: 'out', status: 'delivered', attempts: 1 }),
      expect.objectContaining({ partner: 'narsa', operation: 'licence.verify', direction: 'in', status: 'processed' }),
    ]));
    expect(ready.results.licenceVerification).toMatchObject({ outcome: 'valid', licenceNumber: '12/345678' });
    // NARSA saw our message id and the case reference, and got the licence number encoded in the path.
    const seen = f.narsa.received.entries();
    expect(seen.some((e) => e.caseReference === reference && e.path.includes('12%2F345678'))).toBe(true);

    const list = await f.api('GET', '/api/v1/requests?status=ready-for-decision', { token: agent });
    expect(list.status).toBe(200);
    expect((list.body as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(id);

    const issued = await f.api('POST', `/api/v1/requests/${id}/actions/issue`, { token: agent, body: {} });
    expect(issued.status).toBe(200);
    const done = issued.body as View;
    expect(done.status).toBe('completed');
    expect(done.documents).toHaveLength(1);
    const pdf = await f.api('GET', done.documents[0].href, { token: citizen });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Issuing twice is refused: the request is completed and holds one attestation.
    const again = await f.api('POST', `/api/v1/requests/${id}/actions/issue`, { token: agent, body: {} });
    expect(again.status).toBe(409);
    expect((again.body as { code: string }).code).toBe('ACTION_NOT_ALLOWED');
  });

  it('takes docs/examples/licence-authentication.json as the README posts it, to completed', async () => {
    const example = JSON.parse(readFileSync(path.join(__dirname, '../../docs/examples/licence-authentication.json'), 'utf8')) as unknown;
    const created = await f.api('POST', '/api/v1/requests', { token: citizen, body: example, headers: { 'idempotency-key': 'readme-example' } });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    await waitFor(id, 'ready-for-decision');
    const issued = await f.api('POST', `/api/v1/requests/${id}/actions/issue`, { token: agent });
    expect(issued.status).toBe(200);
    expect((await statusOf(id, citizen)).status).toBe('completed');
  });

  it('rejects the request with the reason when NARSA reports the licence suspended', async () => {
    const token = await f.token('citizen', { sub: 'youssef' });
    const created = await f.api('POST', '/api/v1/requests', { token, body: licenceRequest(youssef, 'CG-BRUXELLES'), headers: { 'idempotency-key': 'y-1' } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const rejected = await eventually(async () => {
      const v = (await f.api('GET', `/api/v1/requests/${id}`, { token })).body as View;
      return v.status === 'rejected' ? v : undefined;
    });
    expect(rejected.history.at(-1)).toMatchObject({ status: 'rejected', actor: 'narsa', note: expect.stringMatching(/suspended/) });
  });

  it('rejects with "holder mismatch" when the birth date does not match NARSA', async () => {
    const body = licenceRequest({ ...amina, licence: { ...amina.licence, holder: { ...amina.licence.holder, birthDate: '1991-04-12' } } });
    const created = await f.api('POST', '/api/v1/requests', { token: citizen, body, headers: { 'idempotency-key': 'amina-mismatch' } });
    const id = (created.body as { id: string }).id;
    const v = await waitFor(id, 'rejected');
    expect(v.history.at(-1)?.note).toMatch(/do not match/);
  });

  it('returns the same request for the same Idempotency-Key and body, 409 for another body', async () => {
    const first = await f.api('POST', '/api/v1/requests', { token: citizen, body: licenceRequest(amina), headers: { 'idempotency-key': 'amina-idem' } });
    const second = await f.api('POST', '/api/v1/requests', { token: citizen, body: licenceRequest(amina), headers: { 'idempotency-key': 'amina-idem' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect((second.body as { id: string }).id).toBe((first.body as { id: string }).id);
    const other = await f.api('POST', '/api/v1/requests', { token: citizen, body: licenceRequest(amina, 'CG-MADRID'), headers: { 'idempotency-key': 'amina-idem' } });
    expect(other.status).toBe(409);
    expect((other.body as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
    const count = await f.hub.database.knex('requests').where('owner_sub', 'amina').count<{ count: number }[]>('* as count');
    const outbox = await f.hub.database.knex('outbox').where('request_id', (first.body as { id: string }).id).count<{ count: number }[]>('* as count');
    expect(Number(outbox[0].count)).toBe(1);
    expect(Number(count[0].count)).toBeGreaterThanOrEqual(1);
  });

  it('keeps agents to their post and citizens to their own requests', async () => {
    const created = await f.api('POST', '/api/v1/requests', { token: citizen, body: licenceRequest(amina), headers: { 'idempotency-key': 'amina-scope' } });
    const id = (created.body as { id: string }).id;
    const madrid = await f.token('agent', { post: 'CG-MADRID' });
    expect((await f.api('GET', `/api/v1/requests/${id}`, { token: madrid })).status).toBe(403);
    const otherCitizen = await f.token('citizen', { sub: 'someone-else' });
    expect((await f.api('GET', `/api/v1/requests/${id}`, { token: otherCitizen })).status).toBe(404);
    const madridList = (await f.api('GET', '/api/v1/requests', { token: madrid })).body as { items: Array<{ id: string }> };
    expect(madridList.items.map((i) => i.id)).not.toContain(id);
  });

  it('names the field of a data schema violation and writes nothing', async () => {
    const before = await f.hub.database.knex('requests').count<{ count: number }[]>('* as count');
    const bad = licenceRequest(amina);
    const res = await f.api('POST', '/api/v1/requests', { token: citizen, headers: { 'idempotency-key': 'bad-1' },
      body: { ...bad, data: { ...bad.data, holder: { ...bad.data.holder, birthDate: '12/04/1990' }, destinationCountry: undefined } } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const paths = (res.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/data/holder/birthDate', '/data/destinationCountry']));
    const unknown = await f.api('POST', '/api/v1/requests', { token: citizen, headers: { 'idempotency-key': 'bad-2' }, body: { ...bad, service: 'no-such-service' } });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { code: string }).code).toBe('UNKNOWN_SERVICE');
    const after = await f.hub.database.knex('requests').count<{ count: number }[]>('* as count');
    expect(Number(after[0].count)).toBe(Number(before[0].count));
  });

  it('records one ledger entry per message out and in, and the chain verifies', async () => {
    await eventually(async () => {
      const open = await f.hub.database.knex('outbox').whereNot('status', 'delivered').count<{ count: number }[]>('* as count');
      return Number(open[0].count) === 0 ? true : undefined;
    });
    const rows = await f.hub.database.knex('exchange_ledger').select('direction', 'message_id', 'outcome');
    const delivered = await f.hub.database.knex('outbox').where('status', 'delivered').select('id');
    for (const { id } of delivered) {
      expect(rows.filter((r) => r.message_id === id && r.direction === 'out')).toHaveLength(1);
      expect(rows.filter((r) => r.message_id === `answer:${id}` && r.direction === 'in')).toHaveLength(1);
    }
    expect(delivered.length).toBeGreaterThanOrEqual(4);
    await expect(verifyLedger(f.hub.database.knex)).resolves.toMatchObject({ ok: true });
  });
});
