/**
 * The DGSN sandbox over real sockets: node:https trusting the sandbox CA, the control endpoint over
 * node:http, and a plain node:http listener standing for the hub's webhook endpoint (signatures are
 * checked here with node:crypto, independently of both the sandbox and connectors/webhook).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DgsnSandbox, startDgsnSandbox } from '.';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }
interface Posted { headers: Record<string, string | string[] | undefined>; body: string }

const CLIENT = { id: 'econsulat-hub', secret: 'test-client-secret-123' };
const WEBHOOK_SECRET = 'test-webhook-secret-for-dgsn';
let dataDir: string;
let sandbox: DgsnSandbox;
let ca: Buffer;
let offsetMs = 0;
let hook: Server;
const posted: Posted[] = [];
let hookStatus = 200;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dgsn-sandbox-'));
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delivery = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      posted.push(delivery);
      // Like the hub: a delivery it cannot authenticate is refused, so DGSN delivers it again.
      res.writeHead(signatureOk(delivery) ? hookStatus : 401).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  sandbox = await startDgsnSandbox({
    dataDir,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/partners/dgsn/events`,
    webhookSecret: WEBHOOK_SECRET,
    clearanceDelayMs: 50,
    webhookRetryBaseMs: 50,
    now: () => Date.now() + offsetMs,
  });
  ca = await readFile(sandbox.pki.caCertPath);
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => { hook.close(() => resolve()); hook.closeAllConnections(); });
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  offsetMs = 0;
  hookStatus = 200;
  posted.splice(0);
  expect((await control('POST', '/_sandbox/reset')).status).toBe(200);
});

function call(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const url = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: url.hostname, port: url.port, path, method, ca, agent: false, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${sandbox.controlUrl}${path}`, { method, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function token(id = CLIENT.id, secret = CLIENT.secret, grant = 'client_credentials'): Promise<Reply> {
  const body = new URLSearchParams({ grant_type: grant, client_id: id, client_secret: secret }).toString();
  return call('POST', '/dgsn/oauth/token', { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
}

async function bearer(): Promise<string> {
  const reply = await token();
  return (JSON.parse(reply.body) as { access_token: string }).access_token;
}

function postJson(path: string, accessToken: string, value: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return call('POST', path, { body: JSON.stringify(value), headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}`, 'X-Message-Id': randomUUID(), ...headers } });
}

const verify = (accessToken: string, query: Record<string, string>): Promise<Reply> => postJson('/dgsn/api/v2/identity/verifications', accessToken, query);

function transportFor(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    caseReference: 'REP-MAD-2026-000001',
    deceased: { cnie: 'CD555111', familyName: 'ALAOUI', givenNames: 'Khadija', birthDate: '1948-02-20' },
    laissezPasserNumber: 'LPM-MAD-2026-0007',
    borderPost: 'Aéroport Mohammed V',
    carrier: 'Royal Air Maroc',
    flightOrVoyage: 'AT971',
    expectedArrivalAt: '2026-11-28T14:30:00Z',
    escorts: [{ familyName: 'ALAOUI', givenNames: 'Said', passportNumber: 'XY1234567' }],
    ...extra,
  };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const signatureOk = (p: Posted): boolean => {
  const timestamp = String(p.headers['x-dgsn-timestamp']);
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${p.body}`).digest('hex')}`;
  return p.headers['x-dgsn-signature'] === expected;
};
const eventOf = (p: Posted): { eventId: string; type: string; outcome: string; at: string; transportId: string } => JSON.parse(p.body) as never;

describe('DGSN sandbox: OAuth2 client credentials', () => {
  it('issues a bearer token that lives 300 s to the right client', async () => {
    const reply = await token();
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ access_token: expect.stringMatching(/^[\w-]{20,}$/), token_type: 'Bearer', expires_in: 300 });
  });

  it('refuses a wrong secret (401 invalid_client) and another grant (400)', async () => {
    const wrong = await token(CLIENT.id, 'not-the-secret');
    expect([wrong.status, JSON.parse(wrong.body)]).toEqual([401, { error: 'invalid_client' }]);
    expect((await token(CLIENT.id, CLIENT.secret, 'password')).status).toBe(400);
  });

  it('answers 401 without a token, with an unknown token, and once the token has expired', async () => {
    const amina = { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' };
    expect((await call('POST', '/dgsn/api/v2/identity/verifications', { body: JSON.stringify(amina), headers: { 'Content-Type': 'application/json' } })).status).toBe(401);
    expect((await verify('made-up-token', amina)).status).toBe(401);
    const accessToken = await bearer();
    expect((await verify(accessToken, amina)).status).toBe(200);
    offsetMs = 301_000;
    const expired = await verify(accessToken, amina);
    expect([expired.status, expired.headers['www-authenticate'], expired.headers['content-type']])
      .toEqual([401, 'Bearer realm="dgsn", error="invalid_token"', 'application/problem+json']);
  });

  it('expireTokens revokes the token of the next call: 401, and a new token works', async () => {
    const accessToken = await bearer();
    expect((await control('POST', '/_sandbox/faults', { expireTokens: 1 })).status).toBe(200);
    const amina = { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' };
    expect((await verify(accessToken, amina)).status).toBe(401);
    expect((await verify(accessToken, amina)).status).toBe(401);
    expect((await verify(await bearer(), amina)).status).toBe(200);
  });
});

describe('DGSN sandbox: identity verification rules', () => {
  it.each([
    ['Amina, exactly', 'MATCH', { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' }, ['cnie', 'familyName', 'givenNames', 'birthDate']],
    ['Amina, other case and a hyphen', 'MATCH', { cnie: 'bk123456', familyName: 'El-Fassi', givenNames: 'AMINA', birthDate: '1990-04-12' }, ['cnie', 'familyName', 'givenNames', 'birthDate']],
    ['Youssef with another birth date', 'PARTIAL_MATCH', { cnie: 'AB987654', familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-04' }, ['cnie', 'familyName', 'givenNames']],
    ['Khadija ALAOUI', 'DECEASED', { cnie: 'CD555111', familyName: 'ALAOUI', givenNames: 'Khadija', birthDate: '1948-02-20' }, ['cnie', 'familyName', 'givenNames', 'birthDate']],
    ['Karim, card expired', 'DOCUMENT_INVALID', { cnie: 'EE246810', familyName: 'ZIANI', givenNames: 'Karim', birthDate: '1982-07-19' }, ['cnie', 'familyName', 'givenNames', 'birthDate']],
    ['an unknown CNIE', 'NO_MATCH', { cnie: 'ZZ000001', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' }, []],
    ["Amina's CNIE with someone else", 'NO_MATCH', { cnie: 'BK123456', familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-03' }, []],
  ])('%s → %s', async (_name, result, query, matchedFields) => {
    const reply = await verify(await bearer(), query);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ result, matchedFields });
  });

  it('refuses a body that does not match the contract with a problem naming the field, not the value', async () => {
    const reply = await verify(await bearer(), { cnie: 'BK123456', familyName: 'الفاسي', givenNames: 'Amina', birthDate: '12/04/1990' });
    expect([reply.status, reply.headers['content-type']]).toEqual([400, 'application/problem+json']);
    const body = JSON.parse(reply.body) as { errors: Array<{ path: string }> };
    expect(body.errors.map((e) => e.path)).toEqual(['/familyName', '/birthDate']);
    expect(reply.body).not.toContain('الفاسي');
  });
});

describe('DGSN sandbox: transports and signed webhooks', () => {
  it('the same Idempotency-Key returns the same transportId; another body with it is 409; no key is 400', async () => {
    const accessToken = await bearer();
    const key = randomUUID();
    const first = await postJson('/dgsn/api/v2/remains-transports', accessToken, transportFor(), { 'Idempotency-Key': key });
    const again = await postJson('/dgsn/api/v2/remains-transports', accessToken, transportFor(), { 'Idempotency-Key': key });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(JSON.parse(again.body)).toEqual(JSON.parse(first.body));
    expect(sandbox.transports.size).toBe(1);
    expect((await postJson('/dgsn/api/v2/remains-transports', accessToken, transportFor({ carrier: 'Air Arabia' }), { 'Idempotency-Key': key })).status).toBe(409);
    expect((await postJson('/dgsn/api/v2/remains-transports', accessToken, transportFor())).status).toBe(400);
  });

  it('clears a transport with a laissez-passer, posts signed TRANSPORT_CLEARANCE then BORDER_ARRIVAL, and GET follows', async () => {
    const accessToken = await bearer();
    const reply = await postJson('/dgsn/api/v2/remains-transports', accessToken, transportFor(), { 'Idempotency-Key': randomUUID() });
    const { transportId } = JSON.parse(reply.body) as { transportId: string };
    await until('two events', () => (posted.length >= 2 ? true : undefined));
    expect(posted.every(signatureOk)).toBe(true);
    expect(posted.map((p) => [eventOf(p).type, eventOf(p).outcome, eventOf(p).transportId])).toEqual([
      ['TRANSPORT_CLEARANCE', 'CLEARED', transportId], ['BORDER_ARRIVAL', 'CLEARED', transportId],
    ]);
    expect(Math.abs(Number(posted[0].headers['x-dgsn-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const state = await call('GET', `/dgsn/api/v2/remains-transports/${transportId}`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(JSON.parse(state.body)).toMatchObject({ transportId, state: 'CLEARED' });
  });

  it('holds a transport without a laissez-passer (one HELD event with remarks)', async () => {
    await postJson('/dgsn/api/v2/remains-transports', await bearer(), transportFor({ laissezPasserNumber: undefined }), { 'Idempotency-Key': randomUUID() });
    const [p] = await until('the event', () => (posted.length >= 1 ? posted : undefined));
    expect(eventOf(p)).toMatchObject({ type: 'TRANSPORT_CLEARANCE', outcome: 'HELD', remarks: expect.any(String) });
  });

  it('plays its bad days: a badly signed delivery, retried correctly; a replay; events out of order', async () => {
    expect((await control('POST', '/_sandbox/faults', { webhookBadSignature: 1, webhookReplay: 1, webhookOutOfOrder: 1 })).status).toBe(200);
    await postJson('/dgsn/api/v2/remains-transports', await bearer(), transportFor(), { 'Idempotency-Key': randomUUID() });
    // Out of order: arrival, then clearance; the first (bad signature) delivery is retried; the first event is replayed.
    await until('the deliveries', () => (new Set(posted.filter(signatureOk).map((p) => eventOf(p).eventId)).size >= 2 && posted.filter(signatureOk).length >= 3 ? true : undefined));
    // Bad signature: the first delivery is refused by the hub, and the same event comes back correctly signed.
    expect(signatureOk(posted[0])).toBe(false);
    const good = posted.filter(signatureOk).map(eventOf);
    expect(good.map((e) => e.eventId)).toContain(eventOf(posted[0]).eventId);
    // Replay: one event delivered twice, once acknowledged.
    expect(good.length - new Set(good.map((e) => e.eventId)).size).toBe(1);
    // Out of order: the later event (border arrival) was sent before the earlier one (clearance).
    const webhooks = await control('GET', '/_sandbox/webhooks');
    const events = webhooks.json.events as Array<{ type: string; at: string }>;
    expect(events.map((e) => e.type)).toEqual(['BORDER_ARRIVAL', 'TRANSPORT_CLEARANCE']);
    expect(Date.parse(events[0].at)).toBeGreaterThan(Date.parse(events[1].at));
    expect((webhooks.json.deliveries as Array<{ fault: string | null }>).map((d) => d.fault)).toEqual(expect.arrayContaining(['webhookBadSignature', 'webhookReplay']));
  });

  it('keeps events without a webhook URL, and delivers new ones once it is set', async () => {
    const hookUrl = sandbox.webhooks.url;
    sandbox.setWebhookUrl(undefined);
    try {
      await postJson('/dgsn/api/v2/remains-transports', await bearer(), transportFor({ laissezPasserNumber: undefined }), { 'Idempotency-Key': randomUUID() });
      await until('the event', () => (sandbox.webhooks.events.length >= 1 ? true : undefined));
      expect([sandbox.webhooks.deliveries.length, posted.length]).toEqual([0, 0]);
    } finally {
      sandbox.setWebhookUrl(hookUrl);
    }
    await postJson('/dgsn/api/v2/remains-transports', await bearer(), transportFor({ laissezPasserNumber: undefined }), { 'Idempotency-Key': randomUUID() });
    await until('the delivery', () => (posted.length >= 1 ? true : undefined));
  });

  it('retries a delivery the hub did not acknowledge', async () => {
    hookStatus = 503;
    await postJson('/dgsn/api/v2/remains-transports', await bearer(), transportFor({ laissezPasserNumber: undefined }), { 'Idempotency-Key': randomUUID() });
    await until('a first refused delivery', () => (posted.length >= 1 ? true : undefined));
    hookStatus = 200;
    await until('the retry', () => (posted.length >= 2 ? true : undefined));
    expect(eventOf(posted[1]).eventId).toBe(eventOf(posted[0]).eventId);
  });
});

describe('DGSN sandbox: gateway faults and control endpoint', () => {
  it('429 and 503 carry Retry-After; the control endpoint refuses an unknown switch and changes nothing', async () => {
    await control('POST', '/_sandbox/faults', { fail429: 1, fail503: 1, retryAfterSeconds: 7 });
    const unavailable = await token();
    const limited = await token();
    expect([unavailable.status, unavailable.headers['retry-after']]).toEqual([503, '7']);
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '7']);
    const refused = await control('POST', '/_sandbox/faults', { latencyMs: 5, webhookReplays: 1 });
    expect(refused.status).toBe(400);
    expect(((await control('GET', '/_sandbox/state')).json.faults as { latencyMs: number }).latencyMs).toBe(0);
  });
});
