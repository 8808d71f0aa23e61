/**
 * REST-specific behaviour against a real HTTPS peer with mutual TLS (the shared contract suite is in
 * rest-contract.test.ts; NARSA's binding against its sandbox in partners/narsa/).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHubError, type HubError } from '../../broker/errors';
import { ensureSandboxPki, type SandboxPki } from '../../sandbox/pki';
import { validateConnectorConfig, type OutboundMessage } from '../_kit/contract';
import { restConfigSchema, RestConnector, type RestConnectorConfig } from './index';
import { startHttpsTestPeer, type HttpsTestPeer, type PeerAnswer } from './testing/https-test-peer';

let pki: SandboxPki;
let peer: HttpsTestPeer;
let nextAnswer: PeerAnswer | undefined;
const open: RestConnector[] = [];

beforeAll(async () => {
  pki = await ensureSandboxPki(mkdtempSync(join(tmpdir(), 'rest-connector-pki-')));
  peer = await startHttpsTestPeer({
    pki,
    oversizedBytes: 4096,
    answer: () => nextAnswer ?? { status: 201, headers: { 'content-type': 'application/json' }, body: '{"accepted":true}' },
  });
});
afterAll(async () => { await peer.close(); });
beforeEach(() => { nextAnswer = undefined; peer.received.splice(0); });
afterEach(async () => { await Promise.all(open.splice(0).map((c) => c.close())); });

function configFor(overrides: Record<string, unknown> = {}): RestConnectorConfig {
  return validateConnectorConfig<RestConnectorConfig>(restConfigSchema, {
    baseUrl: `${peer.url}/api/`,
    tls: { caPath: pki.caCertPath, certPath: pki.clientCertPath, keyPath: pki.clientKeyPath },
    timeoutMs: 1000,
    maxResponseBytes: 1024,
    operations: {
      'notice.submit': { method: 'POST', path: '/notices/{notice.id}', body: 'notice', answers: [201, 409] },
      'notice.get': { method: 'GET', path: '/notices/{id}', answers: [200] },
    },
    ...overrides,
  }, 'partners.peer.rest');
}

async function connected(overrides: Record<string, unknown> = {}): Promise<RestConnector> {
  const connector = new RestConnector(configFor(overrides), { partner: 'peer' });
  open.push(connector);
  await connector.connect();
  return connector;
}

const submit = (extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  messageId: randomUUID(), caseReference: 'JUD-2026-7', partner: 'peer', operation: 'notice.submit',
  payload: { notice: { id: 'N-1', text: 'été' } }, ...extra,
});

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try { await promise; } catch (error) { if (isHubError(error)) return error; throw error; }
  throw new Error('expected the send to fail');
}

describe('RestConnector on the wire', () => {
  it('sends the envelope headers, Idempotency-Key on writes, and the JSON body under the base path', async () => {
    const message = submit({ correlationId: 'trace-9' });
    const answer = await (await connected()).send(message);
    expect([answer.status, answer.body, answer.endpoint]).toEqual([201, { accepted: true }, `POST ${peer.url}/api/notices/{notice.id}`]);
    const [seen] = peer.received;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/notices/N-1');
    expect(JSON.parse(seen.body)).toEqual({ id: 'N-1', text: 'été' });
    expect(seen.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json; charset=utf-8',
      'x-message-id': message.messageId,
      'x-case-reference': 'JUD-2026-7',
      'x-correlation-id': 'trace-9',
      'idempotency-key': message.messageId,
    });
  });

  it('sends no Idempotency-Key, body or X-Correlation-Id on a plain GET', async () => {
    nextAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    await (await connected()).send({ ...submit(), operation: 'notice.get', payload: { id: 'N-1' } });
    const [seen] = peer.received;
    expect([seen.method, seen.body]).toEqual(['GET', '']);
    expect(seen.headers['idempotency-key']).toBeUndefined();
    expect(seen.headers['x-correlation-id']).toBeUndefined();
  });

  it('hands back a declared non-2xx answer (409) with its body', async () => {
    nextAnswer = { status: 409, headers: { 'content-type': 'application/problem+json' }, body: '{"code":"DUPLICATE"}' };
    const answer = await (await connected()).send(submit());
    expect([answer.status, answer.body, answer.headers['content-type']]).toEqual([409, { code: 'DUPLICATE' }, 'application/problem+json']);
  });

  it('an undeclared 4xx is PARTNER_REJECTED, not retryable', async () => {
    nextAnswer = { status: 422, headers: { 'content-type': 'application/json' }, body: '{"code":"BAD"}' };
    const error = await failureOf((await connected()).send(submit()));
    expect([error.code, error.retryable, error.extra]).toEqual(['PARTNER_REJECTED', false, { status: 422 }]);
  });

  it('a declared status with an HTML body is PARTNER_BAD_RESPONSE (a proxy page is not the partner speaking)', async () => {
    nextAnswer = { status: 201, headers: { 'content-type': 'text/html' }, body: '<h1>hi</h1>' };
    expect((await failureOf((await connected()).send(submit()))).code).toBe('PARTNER_BAD_RESPONSE');
  });

  it('refuses an answer whose Content-Length is over the limit before reading it', async () => {
    nextAnswer = { status: 201, headers: { 'content-type': 'application/json', 'content-length': '5000' }, body: `"${'x'.repeat(4998)}"` };
    const error = await failureOf((await connected()).send(submit()));
    expect([error.code, error.message]).toEqual(['PARTNER_BAD_RESPONSE', `peer notice.submit (POST ${peer.url}/api/notices/{notice.id}): answer larger than 1024 bytes`]);
  });

  it('a request in flight when the connector closes fails PARTNER_UNAVAILABLE', async () => {
    const connector = await connected();
    peer.next('hold');
    const pending = failureOf(connector.send(submit()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await connector.close();
    expect((await pending).code).toBe('PARTNER_UNAVAILABLE');
  });
});

describe('RestConnector refuses bad envelopes before the wire', () => {
  it.each([
    ['messageId', { messageId: 'not-a-uuid' }],
    ['caseReference', { caseReference: 'A\r\nX-Evil: 1' }],
    ['operation', { operation: 'notice.delete' }],
    ['partner', { partner: 'other' }],
  ])('%s', async (field, extra) => {
    const error = await failureOf((await connected()).send(submit(extra)));
    expect([error.code, error.errors?.[0].path]).toEqual(['VALIDATION_FAILED', `/${field}`]);
    expect(peer.received).toHaveLength(0);
  });

  it('a payload missing a path field is MAPPING_FAILED', async () => {
    const error = await failureOf((await connected()).send(submit({ payload: { notice: { text: 'x' } } })));
    expect([error.code, error.message]).toEqual(['MAPPING_FAILED', `peer notice.submit (POST ${peer.url}/api/notices/{notice.id}): payload field notice.id is missing`]);
  });
});

describe('RestConnector pacing', () => {
  it('fails at once with PARTNER_RATE_LIMITED when a token would take longer than timeoutMs', async () => {
    const connector = await connected({ rateLimit: { perSecond: 1, burst: 1 }, timeoutMs: 200 });
    await connector.send(submit());
    const error = await failureOf(connector.send(submit()));
    expect(error.code).toBe('PARTNER_RATE_LIMITED');
    expect(error.retryAfterMs).toBeGreaterThan(200);
    expect(peer.received).toHaveLength(1);
  });
});

describe('RestConnector configuration', () => {
  it('names a missing key file at connect, as CONFIG_INVALID', async () => {
    const connector = new RestConnector(configFor({ tls: { certPath: pki.clientCertPath, keyPath: '/nonexistent/client.key' } }), { partner: 'peer' });
    const error = await failureOf(connector.connect());
    expect([error.code, error.message]).toEqual(['CONFIG_INVALID', 'partners.peer.rest.tls.keyPath: cannot read /nonexistent/client.key (ENOENT)']);
  });

  it('names a key that does not belong to its certificate at connect', async () => {
    const connector = new RestConnector(configFor({ tls: { certPath: pki.clientCertPath, keyPath: pki.serverKeyPath } }), { partner: 'peer' });
    const error = await failureOf(connector.connect());
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^partners\.peer\.rest\.tls: the CA, certificate and key do not make a usable TLS context/);
  });

  it('refuses a certificate without its key, an http URL and credentials in the URL', () => {
    const problems = (config: Record<string, unknown>): string => {
      try { configFor(config); } catch (error) { if (isHubError(error)) return error.message; }
      return 'valid';
    };
    expect(problems({ tls: { certPath: 'c.pem' } })).toBe('partners.peer.rest.tls: must have property keyPath when property certPath is present');
    expect(problems({ baseUrl: 'http://peer.example' })).toContain('partners.peer.rest.baseUrl: must match pattern');
    expect(problems({ baseUrl: 'https://user:secret@peer.example' })).toContain('partners.peer.rest.baseUrl: must match pattern');
    expect(problems({ baseUrl: 'https://user:secret@peer.example' })).not.toContain('secret@');
  });
});
