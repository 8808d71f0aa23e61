/**
 * The NARSA binding on the REST connector against the NARSA sandbox: real sockets, mutual TLS, the
 * sandbox's own rate limit and fault switches. What the sandbox received is checked on its side.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isHubError, type HubError } from '../../../broker/errors';
import { ensureSandboxPki } from '../../../sandbox/pki';
import { startNarsaSandbox, type NarsaSandbox } from '../../../sandbox/narsa';
import type { Connector, OutboundMessage } from '../../_kit/contract';
import { restConnectorFactory } from '../../rest';
import { closeAll, createConnectors } from '../../registry';
import { loadPartnerBindings, resolvePartnerConfig, type PartnerBinding } from '../bindings';

let sandbox: NarsaSandbox;
let binding: PartnerBinding;
const connectors: Map<string, Connector>[] = [];

beforeAll(async () => {
  sandbox = await startNarsaSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'narsa-rest-')) });
  const loaded = (await loadPartnerBindings()).get('narsa');
  if (!loaded) throw new Error('no NARSA binding');
  binding = loaded;
});
afterAll(async () => { await sandbox.close(); });
beforeEach(() => {
  sandbox.faults.reset();
  sandbox.received.clear();
  sandbox.limiter.reset();
});
afterEach(async () => { await Promise.all(connectors.splice(0).map((map) => closeAll(map))); });

/** The NARSA connector as the hub builds it: binding + hub settings (+ test tuning), validated. */
async function narsaConnector(overrides: Record<string, unknown> = {}): Promise<Connector> {
  const { pki } = sandbox;
  const hubSettings = { baseUrl: sandbox.url, tls: { caPath: pki.caCertPath, certPath: pki.clientCertPath, keyPath: pki.clientKeyPath }, ...overrides };
  const map = createConnectors({ narsa: resolvePartnerConfig(binding, hubSettings) }, [restConnectorFactory]);
  connectors.push(map);
  const connector = map.get('narsa');
  if (!connector) throw new Error('no narsa connector');
  await connector.connect();
  return connector;
}

function verify(licenceNumber: string, cnie: string, birthDate: string): OutboundMessage {
  return {
    messageId: randomUUID(),
    caseReference: 'LIC-CG-PARIS-2026-000042',
    correlationId: 'corr-1',
    partner: 'narsa',
    operation: 'licence.verify',
    // What the connector gets is the request mapping's output (narsa/licence-check.out), as at delivery.
    payload: { licenceNumber, cnie, birthDate },
  };
}
const amina = () => verify('12/345678', 'BK123456', '1990-04-12');

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try { await promise; } catch (error) { if (isHubError(error)) return error; throw error; }
  throw new Error('expected the send to fail');
}

describe('NARSA licence.verify over REST with mutual TLS', () => {
  it('passes a found licence through as a 200 answer, the number encoded in one path segment', async () => {
    const narsa = await narsaConnector();
    const message = amina();
    const answer = await narsa.send(message);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ numero: '12/345678', statut: 'VALIDE', titulaire: { cnie: 'BK123456', dateNaissance: '1990-04-12' } });
    expect(answer.endpoint).toBe(`GET ${sandbox.url}/narsa/v1/permis/{licenceNumber}`);
    expect(answer.bytes).toBeGreaterThan(0);
    const [seen] = sandbox.received.entries();
    expect(seen).toMatchObject({
      method: 'GET', path: '/narsa/v1/permis/12%2F345678', queryKeys: ['cnie', 'dateNaissance'],
      messageId: message.messageId, caseReference: message.caseReference, status: 200,
    });
  });

  it('passes a suspended licence through as it is', async () => {
    const answer = await (await narsaConnector()).send(verify('07/112233', 'AB987654', '1975-11-03'));
    expect([answer.status, (answer.body as { statut: string }).statut]).toEqual([200, 'SUSPENDU']);
  });

  it('passes 404 (unknown licence) and 409 (holder mismatch) through as answers, not errors', async () => {
    const narsa = await narsaConnector();
    const unknown = await narsa.send(verify('99/000000', 'BK123456', '1990-04-12'));
    expect([unknown.status, (unknown.body as { code: string }).code]).toEqual([404, 'PERMIS_INCONNU']);
    const mismatch = await narsa.send(verify('12/345678', 'AB987654', '1990-04-12'));
    expect([mismatch.status, (mismatch.body as { code: string }).code]).toEqual([409, 'TITULAIRE_NON_CONCORDANT']);
  });

  it('reports health from a TLS handshake with the agency', async () => {
    expect(await (await narsaConnector()).health()).toEqual({ ok: true, detail: expect.stringContaining('TLS handshake ok'), circuit: 'closed' });
  });
});

describe('NARSA failures, classified', () => {
  it('refuses a server whose certificate is not from the configured CA: PARTNER_UNAVAILABLE, nothing sent', async () => {
    const strangers = await ensureSandboxPki(mkdtempSync(join(tmpdir(), 'narsa-other-ca-')));
    const narsa = await narsaConnector({ tls: { caPath: strangers.caCertPath } });
    const error = await failureOf(narsa.send(amina()));
    expect(error.code).toBe('PARTNER_UNAVAILABLE');
    expect(error.message).toMatch(/^narsa licence\.verify \(GET https:\/\/127\.0\.0\.1:\d+\/narsa\/v1\/permis\/\{licenceNumber\}\): TLS handshake failed \(/);
    expect(sandbox.received.counts().received).toBe(0);
    expect((await narsa.health()).ok).toBe(false);
  });

  it('is refused by the agency with a client certificate it did not issue: PARTNER_UNAVAILABLE', async () => {
    const strangers = await ensureSandboxPki(mkdtempSync(join(tmpdir(), 'narsa-other-client-')));
    const narsa = await narsaConnector({ tls: { certPath: strangers.clientCertPath, keyPath: strangers.clientKeyPath } });
    expect((await failureOf(narsa.send(amina()))).code).toBe('PARTNER_UNAVAILABLE');
    expect(sandbox.received.counts().received).toBe(0);
    expect((await narsa.health()).ok).toBe(false);
  });

  it('503 is PARTNER_UNAVAILABLE (retryable)', async () => {
    sandbox.faults.set({ fail503: 1 });
    const error = await failureOf((await narsaConnector()).send(amina()));
    expect([error.code, error.retryable, error.extra]).toEqual(['PARTNER_UNAVAILABLE', true, { status: 503 }]);
  });

  it("429 is PARTNER_RATE_LIMITED with the agency's Retry-After", async () => {
    sandbox.faults.set({ fail429: 1, retryAfterSeconds: 7 });
    const error = await failureOf((await narsaConnector()).send(amina()));
    expect([error.code, error.retryAfterMs]).toEqual(['PARTNER_RATE_LIMITED', 7000]);
  });

  it('an agency that does not answer is PARTNER_TIMEOUT after timeoutMs', async () => {
    sandbox.faults.set({ timeout: 1 });
    const narsa = await narsaConnector({ timeoutMs: 300 });
    const started = Date.now();
    const error = await failureOf(narsa.send(amina()));
    expect(error.code).toBe('PARTNER_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
    // The message reached the agency: the outbox relay's retry will carry the same message id.
    expect(sandbox.received.entries()[0]).toMatchObject({ fault: 'timeout', status: null });
  });

  it('an agency that is down (connections closed on accept) is PARTNER_UNAVAILABLE', async () => {
    sandbox.faults.set({ down: true });
    expect((await failureOf((await narsaConnector()).send(amina()))).code).toBe('PARTNER_UNAVAILABLE');
  });

  it('error messages carry no personal data', async () => {
    sandbox.faults.set({ fail503: 1 });
    const { message } = await failureOf((await narsaConnector()).send(amina()));
    for (const value of ['12/345678', '12%2F345678', 'BK123456', '1990-04-12', 'cnie=']) expect(message).not.toContain(value);
  });
});

describe('NARSA circuit breaker', () => {
  it('opens after N failures and then fails fast without reaching the agency; closes once it is back', async () => {
    const narsa = await narsaConnector({ breaker: { failureThreshold: 3, resetTimeoutMs: 400 } });
    sandbox.faults.set({ fail503: 'always' });
    for (let i = 0; i < 3; i++) expect((await failureOf(narsa.send(amina()))).code).toBe('PARTNER_UNAVAILABLE');
    expect(sandbox.received.counts().received).toBe(3);

    const open = await failureOf(narsa.send(amina()));
    expect(open.code).toBe('PARTNER_CIRCUIT_OPEN');
    expect(open.retryAfterMs).toBeGreaterThan(0);
    expect(open.retryAfterMs).toBeLessThanOrEqual(400);
    expect(sandbox.received.counts().received).toBe(3);
    expect(await narsa.health()).toMatchObject({ ok: false, circuit: 'open' });

    sandbox.faults.reset();
    await sleep(450);
    expect((await narsa.health()).circuit).toBe('half-open');
    expect((await narsa.send(amina())).status).toBe(200);
    expect((await narsa.health()).circuit).toBe('closed');
    expect(sandbox.received.counts().received).toBe(4);
  });

  it('is not opened by business answers or rejections', async () => {
    const narsa = await narsaConnector({ breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await narsa.send(verify('99/000000', 'BK123456', '1990-04-12'))).status).toBe(404);
    sandbox.faults.set({ fail429: 3 });
    for (let i = 0; i < 3; i++) expect((await failureOf(narsa.send(amina()))).code).toBe('PARTNER_RATE_LIMITED');
    expect((await narsa.health()).circuit).toBe('closed');
  });
});

describe('NARSA rate limit', () => {
  it('paces a burst of 15 sends so the agency (10 in any second) answers none of them 429', async () => {
    const narsa = await narsaConnector();
    const answers = await Promise.all(Array.from({ length: 15 }, () => narsa.send(amina())));
    expect(answers.map((a) => a.status)).toEqual(Array(15).fill(200));
    expect(sandbox.received.counts()).toMatchObject({ received: 15, byStatus: { '200': 15 } });
  });
});
