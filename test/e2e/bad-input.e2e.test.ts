import { generateKeyPair, exportPKCS8 } from 'jose';
import { issueToken } from '../../portal-adapter/auth';
import { amina, licenceRequest } from '../support/demo';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';

type Problem = { code: string; status: number; detail?: string; errors?: Array<{ path: string; message: string }> };

/** Each kind of bad input gets the right 4xx problem naming the field or reason, and nothing is half-written. */
describe('bad input through the real portal', () => {
  let f: HubFixture;
  let citizen: string;
  const counts = async () => {
    const k = f.hub.database.knex;
    const [r, o, i] = await Promise.all([k('requests').count<{ c: number }[]>('* as c'), k('outbox').count<{ c: number }[]>('* as c'), k('idempotency_keys').count<{ c: number }[]>('* as c')]);
    return [Number(r[0].c), Number(o[0].c), Number(i[0].c)];
  };
  let before: number[];
  beforeAll(async () => {
    f = await startHubFixture();
    citizen = await f.token('citizen', { sub: 'amina' });
    before = await counts();
  });
  afterAll(async () => { await f.dispose(); });

  const post = (opts: { token?: string; body?: unknown; rawBody?: string; key?: string; headers?: Record<string, string> }) =>
    f.api('POST', '/api/v1/requests', { token: opts.token ?? citizen, body: opts.body, rawBody: opts.rawBody,
      headers: { 'idempotency-key': opts.key ?? `bad-${Math.random()}`, ...(opts.rawBody ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) } });

  it('malformed JSON → 400 MALFORMED_BODY', async () => {
    const res = await post({ rawBody: '{"service": "licence-authentication",' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((res.body as Problem).code).toBe('MALFORMED_BODY');
  });

  it('wrong types and missing fields → 400 naming each field', async () => {
    const body = licenceRequest(amina) as Record<string, unknown>;
    const res = await post({ body: { ...body, post: 42, applicant: { givenNames: 'Amina', birthDate: '1990-04-12' } } });
    expect(res.status).toBe(400);
    const paths = (res.body as Problem).errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/post', '/applicant/familyName']));
  });

  it('unknown service and unknown post → 400 naming them', async () => {
    const s = await post({ body: { ...licenceRequest(amina), service: 'passport-renewal' } });
    expect([s.status, (s.body as Problem).code, (s.body as Problem).errors?.[0]?.path]).toEqual([400, 'UNKNOWN_SERVICE', '/service']);
    const p = await post({ body: { ...licenceRequest(amina), post: 'CG-TOKYO' } });
    expect([p.status, (p.body as Problem).code]).toEqual([400, 'UNKNOWN_POST']);
  });

  it('oversized body → 413', async () => {
    const res = await post({ rawBody: JSON.stringify({ ...licenceRequest(amina), padding: 'x'.repeat(400 * 1024) }) });
    expect([res.status, (res.body as Problem).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('missing Idempotency-Key → 400', async () => {
    const res = await f.api('POST', '/api/v1/requests', { token: citizen, body: licenceRequest(amina) });
    expect([res.status, (res.body as Problem).code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
  });

  it('an agent submitting for another post → 403', async () => {
    const madrid = await f.token('agent', { post: 'CG-MADRID' });
    const res = await post({ token: madrid, body: licenceRequest(amina, 'CG-PARIS') });
    expect([res.status, (res.body as Problem).code]).toEqual([403, 'FORBIDDEN']);
  });

  it('expired, forged and missing tokens → 401 with the reason, never echoing the token', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const forged = await issueToken({ privateKeyPem: await exportPKCS8(privateKey), role: 'citizen', sub: 'amina' });
    const forgedRes = await post({ token: forged, body: licenceRequest(amina) });
    expect([forgedRes.status, (forgedRes.body as Problem).code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(JSON.stringify(forgedRes.body)).not.toContain(forged.split('.')[2]);

    const expired = await issueExpired();
    const expiredRes = await post({ token: expired, body: licenceRequest(amina) });
    expect(expiredRes.status).toBe(401);
    expect((expiredRes.body as Problem).detail).toMatch(/expired/i);

    const none = await f.api('POST', '/api/v1/requests', { body: licenceRequest(amina), headers: { 'idempotency-key': 'k' } });
    expect(none.status).toBe(401);
  });

  it('left no request, outbox message or idempotency key behind', async () => {
    expect(await counts()).toEqual(before);
  });

  /** A token whose exp is in the past, signed with the hub's own key. */
  async function issueExpired(): Promise<string> {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { SignJWT, importPKCS8 } = await import('jose');
    const pem = readFileSync(path.join(f.hub.config.dataDir, 'keys', 'jwt-es256.key'), 'utf8');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: 'citizen' }).setProtectedHeader({ alg: 'ES256' }).setSubject('amina').setIssuer('econsulat-hub')
      .setAudience('econsulat-portal').setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(await importPKCS8(pem, 'ES256'));
  }
});
