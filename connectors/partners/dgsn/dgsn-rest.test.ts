/**
 * The DGSN binding on the REST connector with OAuth2 client credentials, against the DGSN sandbox
 * over real sockets: the token cache, its refresh before expiry and on a 401, and the contract's calls.
 * What reached the agency is checked on its side (received log, tokens issued).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHubError, type HubError } from '../../../broker/errors';
import { startDgsnSandbox, type DgsnSandbox } from '../../../sandbox/dgsn';
import type { Connector, OutboundMessage } from '../../_kit/contract';
import { restConnectorFactory } from '../../rest';
import { closeAll, createConnectors } from '../../registry';
import { loadPartnerBindings, resolvePartnerConfig, type PartnerBinding } from '../bindings';

const CLIENT = { clientId: 'econsulat-hub', clientSecret: 'dgsn-client-secret-under-test' };
let sandbox: DgsnSandbox;
let sandboxOffsetMs = 0;
let binding: PartnerBinding;
const maps: Map<string, Connector>[] = [];
const logged: string[] = [];

beforeAll(async () => {
  sandbox = await startDgsnSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'dgsn-rest-')), ...CLIENT, clearanceDelayMs: 60_000, now: () => Date.now() + sandboxOffsetMs });
  const loaded = (await loadPartnerBindings()).get('dgsn');
  if (!loaded) throw new Error('no DGSN binding');
  binding = loaded;
});
afterAll(async () => { await sandbox.close(); });
beforeEach(() => { sandbox.reset(); sandboxOffsetMs = 0; logged.splice(0); });
afterEach(async () => { await Promise.all(maps.splice(0).map((map) => closeAll(map))); });

/** The DGSN connector as the hub builds it: binding + hub settings (+ test tuning), validated. */
async function dgsnConnector(overrides: Record<string, unknown> = {}, now?: () => number): Promise<Connector> {
  const hubSettings = { baseUrl: sandbox.url, tls: { caPath: sandbox.pki.caCertPath }, oauth2: { ...CLIENT }, ...overrides };
  const log = (message: string, meta?: Record<string, unknown>): void => { logged.push(`${message} ${JSON.stringify(meta ?? {})}`); };
  const map = createConnectors({ dgsn: resolvePartnerConfig(binding, hubSettings) }, [restConnectorFactory], { logger: { debug: log, info: log, warn: log }, now });
  maps.push(map);
  const connector = map.get('dgsn');
  if (!connector) throw new Error('no dgsn connector');
  await connector.connect();
  return connector;
}

function message(operation: string, payload: Record<string, unknown>): OutboundMessage {
  return { messageId: randomUUID(), caseReference: 'REG-PAR-2026-000001', correlationId: 'corr-1', partner: 'dgsn', operation, payload };
}
const amina = (): OutboundMessage => message('identity.verify', { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' });
const khadija = (): OutboundMessage => message('identity.verify', { cnie: 'CD555111', familyName: 'ALAOUI', givenNames: 'Khadija', birthDate: '1948-02-20' });
const transport = (): OutboundMessage => message('transport.notify', {
  caseReference: 'REP-MAD-2026-000001',
  deceased: { cnie: 'CD555111', familyName: 'ALAOUI', givenNames: 'Khadija', birthDate: '1948-02-20' },
  laissezPasserNumber: 'LPM-MAD-2026-0007', borderPost: 'Casablanca Mohammed V', carrier: 'Royal Air Maroc', flightOrVoyage: 'AT971',
  expectedArrivalAt: '2026-11-28T14:30:00Z', escorts: [{ familyName: 'ALAOUI', givenNames: 'Said', passportNumber: 'XY1234567' }],
});

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try { await promise; } catch (error) { if (isHubError(error)) return error; throw error; }
  throw new Error('expected the send to fail');
}

const apiCalls = () => sandbox.received.entries().filter((e) => e.path.startsWith('/dgsn/api/'));
const tokenCalls = () => sandbox.received.entries().filter((e) => e.path === '/dgsn/oauth/token');

describe('DGSN identity.verify with OAuth2 client credentials', () => {
  it('passes the answer through: Amina MATCH, Khadija DECEASED', async () => {
    const dgsn = await dgsnConnector();
    const match = await dgsn.send(amina());
    expect([match.status, match.body]).toEqual([200, { result: 'MATCH', cnieValidUntil: '2031-04-11', matchedFields: ['cnie', 'familyName', 'givenNames', 'birthDate'] }]);
    expect(match.endpoint).toBe(`POST ${sandbox.url}/dgsn/api/v2/identity/verifications`);
    expect(((await dgsn.send(khadija())).body as { result: string }).result).toBe('DECEASED');
  });

  it('fetches one token for many calls, concurrent ones included', async () => {
    const dgsn = await dgsnConnector();
    const burst = await Promise.all(Array.from({ length: 8 }, () => dgsn.send(amina())));
    for (let i = 0; i < 4; i++) burst.push(await dgsn.send(amina()));
    expect(burst.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(sandbox.tokens.issued).toBe(1);
    expect(tokenCalls()).toHaveLength(1);
    expect(apiCalls().map((e) => e.status)).toEqual(Array(12).fill(200));
  });

  it('refreshes the token before it expires, without a 401', async () => {
    let offset = 0;
    const dgsn = await dgsnConnector({}, () => Date.now() + offset);
    await dgsn.send(amina());
    offset = 250_000; // 50 s before expiry: still valid, not yet due for refresh (30 s margin)
    await dgsn.send(amina());
    expect(sandbox.tokens.issued).toBe(1);
    offset = 275_000; // 25 s before expiry: inside the margin
    await dgsn.send(amina());
    expect(sandbox.tokens.issued).toBe(2);
    expect(apiCalls().map((e) => e.status)).toEqual([200, 200, 200]);
  });

  it('on a 401 (token expired early) fetches one new token and retries the call once, same message id', async () => {
    const dgsn = await dgsnConnector();
    await dgsn.send(amina());
    sandbox.faults.set({ expireTokens: 1 });
    const msg = amina();
    expect((await dgsn.send(msg)).status).toBe(200);
    expect(sandbox.tokens.issued).toBe(2);
    const forMessage = sandbox.received.byMessageId(msg.messageId);
    expect(forMessage.map((e) => [e.status, e.repeated])).toEqual([[401, false], [200, true]]);
  });

  it('when the clocks disagree (token expired at DGSN), the 401 leads to a refresh and the call goes through', async () => {
    const dgsn = await dgsnConnector();
    await dgsn.send(amina());
    sandboxOffsetMs = 301_000;
    expect((await dgsn.send(amina())).status).toBe(200);
    expect(sandbox.tokens.issued).toBe(2);
  });

  it('several sends refused at once share one refresh', async () => {
    const dgsn = await dgsnConnector();
    await dgsn.send(amina());
    sandboxOffsetMs = 301_000;
    const answers = await Promise.all(Array.from({ length: 5 }, () => dgsn.send(amina())));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
    expect(sandbox.tokens.issued).toBe(2);
  });

  it('a second 401 after the refresh is PARTNER_REJECTED: one refresh, one retry, no loop', async () => {
    const dgsn = await dgsnConnector();
    sandbox.faults.set({ expireTokens: 'always' });
    const error = await failureOf(dgsn.send(amina()));
    expect([error.code, error.retryable, error.extra]).toEqual(['PARTNER_REJECTED', false, { status: 401 }]);
    expect(sandbox.tokens.issued).toBe(2);
    expect(apiCalls()).toHaveLength(2);
  });

  it('wrong client credentials: PARTNER_REJECTED naming the token endpoint, never the secret; no API call', async () => {
    const dgsn = await dgsnConnector({ oauth2: { clientId: CLIENT.clientId, clientSecret: 'wrong-secret-value-42' } });
    const error = await failureOf(dgsn.send(amina()));
    expect(error.code).toBe('PARTNER_REJECTED');
    expect(error.message).toBe(`dgsn oauth2 token (POST ${sandbox.url}/dgsn/oauth/token): client credentials refused (401)`);
    expect(apiCalls()).toHaveLength(0);
    expect(logged.join('\n')).not.toContain('wrong-secret-value-42');
  });

  it('a token endpoint under maintenance is PARTNER_UNAVAILABLE with its Retry-After', async () => {
    const dgsn = await dgsnConnector();
    sandbox.faults.set({ fail503: 1, retryAfterSeconds: 9 });
    const error = await failureOf(dgsn.send(amina()));
    expect([error.code, error.retryAfterMs]).toEqual(['PARTNER_UNAVAILABLE', 9000]);
    expect((await dgsn.send(amina())).status).toBe(200);
  });

  it("429 on a call is PARTNER_RATE_LIMITED with DGSN's Retry-After", async () => {
    const dgsn = await dgsnConnector();
    await dgsn.send(amina());
    sandbox.faults.set({ fail429: 1, retryAfterSeconds: 4 });
    const error = await failureOf(dgsn.send(amina()));
    expect([error.code, error.retryAfterMs]).toEqual(['PARTNER_RATE_LIMITED', 4000]);
  });

  it('neither the client secret nor a token appears in logs or errors', async () => {
    const dgsn = await dgsnConnector();
    sandbox.faults.set({ expireTokens: 'always' });
    const error = await failureOf(dgsn.send(amina()));
    const everything = `${logged.join('\n')}\n${error.message}\n${JSON.stringify(error.extra)}`;
    expect(everything).not.toContain(CLIENT.clientSecret);
    expect(everything).not.toMatch(/Bearer\s+\S/);
    for (const value of ['BK123456', 'EL FASSI', '1990-04-12']) expect(everything).not.toContain(value);
  });
});

describe('DGSN transports', () => {
  it('notifies a transport with Idempotency-Key: a retried message gets the same transportId; GET reads it', async () => {
    const dgsn = await dgsnConnector();
    const msg = transport();
    const first = await dgsn.send(msg);
    const again = await dgsn.send(msg);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    const { transportId } = first.body as { transportId: string };
    const state = await dgsn.send(message('transport.get', { transportId }));
    expect([state.status, state.body]).toEqual([200, { transportId, state: 'RECEIVED' }]);
    const unknown = await dgsn.send(message('transport.get', { transportId: 'TRP-1999-000000' }));
    expect(unknown.status).toBe(404);
    expect(sandbox.transports.size).toBe(1);
  });
});
