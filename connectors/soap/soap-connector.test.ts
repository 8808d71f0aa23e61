/**
 * The SOAP connector against the Interior sandbox over HTTPS: what each fault means for the hub,
 * DUPLICATE_MESSAGE as success, the request-size limit, WS-Security refusals and the breaker.
 */
import { randomUUID } from 'node:crypto';
import { isHubError, type HubError } from '../../broker/errors';
import type { Connector, OutboundMessage } from '../_kit/contract';
import { burialMessage, startInteriorPeer, type InteriorPeer } from './testing/interior-peer';

let peer: InteriorPeer;
const opened: Connector[] = [];

beforeAll(async () => { peer = await startInteriorPeer(); });
afterAll(async () => { await peer.close(); });
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  peer.sandbox.faults.reset();
});

async function connected(overrides: Parameters<InteriorPeer['connector']>[0] = {}): Promise<Connector> {
  const c = peer.connector(overrides);
  opened.push(c);
  await c.connect();
  return c;
}

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try { await promise; } catch (error) { if (isHubError(error)) return error; throw error; }
  throw new Error('expected the call to fail');
}

const PERSONAL = ['ALAOUI', 'Khadija', 'CD555111', '20/02/1948', '+212600000001'];
function expectNoPersonalData(error: HubError): void {
  for (const value of PERSONAL) expect(error.message).not.toContain(value);
}

describe('SOAP connector and the Interior sandbox', () => {
  it('submits a burial authorisation and hands back the Ack, the header checked', async () => {
    const c = await connected();
    const answer = await c.send(burialMessage());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ticket: expect.stringMatching(/^MI-INH-\d{4}-\d{6}$/), receivedAt: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/) });
    expect(answer.endpoint).toBe(`POST ${new URL(peer.sandbox.url).origin}/inhumation/v1 SubmitBurialAuthorisation`);
    const [entry] = peer.sandbox.received.entries().slice(-1);
    expect(entry.caseReference).toBe('REP-MAD-2026-000001');
  });

  it('takes DUPLICATE_MESSAGE as success with the original ticket', async () => {
    const c = await connected();
    const message = burialMessage();
    const first = await c.send(message);
    const again = await c.send(message);
    expect(again).toMatchObject({ status: 200, body: { ticket: (first.body as { ticket: string }).ticket, duplicate: true } });
  });

  it('maps soap:Server UNAVAILABLE and INTERNAL, and a bare 503, to PARTNER_UNAVAILABLE (retryable)', async () => {
    const c = await connected();
    peer.sandbox.faults.set({ serverFault: 1, internalFault: 1, fail503: 1 });
    // Order in the sandbox: fail503, then serverFault, then internalFault.
    const bare = await failureOf(c.send(burialMessage()));
    const unavailable = await failureOf(c.send(burialMessage()));
    const internal = await failureOf(c.send(burialMessage()));
    expect([bare.code, bare.retryable, bare.extra?.status]).toEqual(['PARTNER_UNAVAILABLE', true, 503]);
    expect([unavailable.code, unavailable.extra?.faultCode]).toEqual(['PARTNER_UNAVAILABLE', 'UNAVAILABLE']);
    expect([internal.code, internal.extra?.faultCode]).toEqual(['PARTNER_UNAVAILABLE', 'INTERNAL']);
  });

  it('maps a 429 to PARTNER_RATE_LIMITED', async () => {
    const c = await connected();
    peer.sandbox.faults.set({ fail429: 1 });
    expect((await failureOf(c.send(burialMessage()))).code).toBe('PARTNER_RATE_LIMITED');
  });

  it('checks the body against the WSDL schema before sending: a bad date or an extra field is VALIDATION_FAILED', async () => {
    const c = await connected();
    const before = peer.sandbox.received.counts().received;
    const badDate = await failureOf(c.send(burialMessage({ death: { date: '2026-11-20', country: 'ESP', city: 'Madrid', causeSealed: false } })));
    expect([badDate.code, badDate.retryable]).toEqual(['VALIDATION_FAILED', false]);
    expect(badDate.errors).toEqual([{ path: 'date', message: 'has a value the schema does not accept' }]);
    expect(badDate.message).not.toContain('2026-11-20');
    expectNoPersonalData(badDate);
    const extra = await failureOf(c.send(burialMessage({ nationality: 'MAR' })));
    expect(extra.errors).toEqual([{ path: 'nationality', message: expect.stringContaining('not expected') }]);
    expect(peer.sandbox.received.counts().received).toBe(before);
  });

  it('maps soap:Client VALIDATION to PARTNER_REJECTED (not retryable) naming fields, never values', async () => {
    // Schema check off, so the agency is the one to refuse.
    const c = await connected({ validateRequests: false });
    const error = await failureOf(c.send(burialMessage({ death: { date: '2026-11-20', country: 'ESP', city: 'Madrid', causeSealed: false } })));
    expect([error.code, error.retryable, error.extra?.faultCode, error.extra?.fields]).toEqual(['PARTNER_REJECTED', false, 'VALIDATION', ['death.date']]);
    expect(error.message).toContain('death.date');
    expectNoPersonalData(error);
    expect(error.message).not.toContain('2026-11-20');
  });

  it('hands back UNKNOWN_COMMUNE as an answer when the operation declares it, and rejects it otherwise', async () => {
    const c = await connected();
    const burial = { communeCode: '999999', familyContact: { name: 'Hassan ALAOUI', phone: '+212600000001' } };
    const answer = await c.send(burialMessage({ burial }));
    expect(answer).toMatchObject({ status: 500, body: { fault: { faultcode: 'Client', code: 'UNKNOWN_COMMUNE' } } });
    const strict = await connected({ operations: { 'burial.submit': { soapOperation: 'SubmitBurialAuthorisation', service: 'MI/ETATCIVIL/SubmitBurialAuthorisation', answerFaults: [] } } });
    const error = await failureOf(strict.send(burialMessage({ burial })));
    expect([error.code, error.extra?.faultCode]).toEqual(['PARTNER_REJECTED', 'UNKNOWN_COMMUNE']);
  });

  it('treats a fault code listed in retryableFaults as PARTNER_UNAVAILABLE, whatever its faultcode', async () => {
    const c = await connected({ retryableFaults: ['UNKNOWN_COMMUNE'], operations: { 'burial.submit': { soapOperation: 'SubmitBurialAuthorisation', service: 'MI/ETATCIVIL/SubmitBurialAuthorisation', answerFaults: [] } } });
    const error = await failureOf(c.send(burialMessage({ burial: { communeCode: '999999', familyContact: { name: 'Hassan ALAOUI', phone: '+212600000001' } } })));
    expect([error.code, error.retryable, error.extra?.faultcode]).toEqual(['PARTNER_UNAVAILABLE', true, 'Client']);
  });

  it('waits for the rate limit, and fails PARTNER_RATE_LIMITED when the wait would exceed the timeout', async () => {
    const c = await connected({ rateLimit: { perSecond: 0.2, burst: 1 }, timeoutMs: 2000 });
    await c.send(burialMessage());
    const error = await failureOf(c.send(burialMessage()));
    expect([error.code, error.retryable]).toEqual(['PARTNER_RATE_LIMITED', true]);
    expect(error.retryAfterMs).toBeGreaterThan(2000);
  });

  it('fails PARTNER_UNAVAILABLE when the agency is down', async () => {
    const c = await connected();
    peer.sandbox.faults.set({ down: true });
    const error = await failureOf(c.send(burialMessage()));
    expect([error.code, error.retryable]).toEqual(['PARTNER_UNAVAILABLE', true]);
  });

  it('is refused with PARTNER_REJECTED when its credentials are wrong, without echoing the secret', async () => {
    const c = await connected({ credentials: { username: 'econsulat-hub', password: 'not-the-password' } });
    const error = await failureOf(c.send(burialMessage()));
    expect([error.code, error.extra?.faultcode]).toEqual(['PARTNER_REJECTED', 'FailedAuthentication']);
    expect(error.message).not.toContain('not-the-password');
  });

  it('refuses an envelope above maxRequestBytes before sending it', async () => {
    const c = await connected({ maxRequestBytes: 4096 });
    const before = peer.sandbox.received.counts().received;
    const big = Buffer.alloc(8192, 1);
    const error = await failureOf(c.send(burialMessage({ attachments: [{ kind: 'OTHER', sha256: '0'.repeat(64), mediaType: 'application/pdf', content: big.toString('base64') }] })));
    expect([error.code, error.retryable]).toEqual(['PAYLOAD_TOO_LARGE', false]);
    expect(peer.sandbox.received.counts().received).toBe(before);
  });

  it('polls the status of a ticket (the fallback for a missed callback)', async () => {
    peer.sandbox.faults.set({ missCallbacks: 1, callbackDelayMs: 0 });
    const c = await connected();
    const ack = await c.send(burialMessage());
    const ticket = (ack.body as { ticket: string }).ticket;
    const status = (): OutboundMessage => ({ messageId: randomUUID(), caseReference: 'REP-MAD-2026-000001', partner: 'interior', operation: 'burial.status', payload: { ticket } });
    let answer = await c.send(status());
    for (let i = 0; i < 50 && (answer.body as { state: string }).state === 'PENDING'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await c.send(status());
    }
    expect(answer.body).toMatchObject({ ticket, state: 'GRANTED', decision: { authorisationNumber: expect.stringMatching(/^AI-351041-2026-/), issuingCommune: 'Fès-Médina', validUntil: '24/12/2026' } });
  });

  it('opens the circuit after consecutive endpoint failures, and says when to come back', async () => {
    const c = await connected({ breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 } });
    peer.sandbox.faults.set({ serverFault: 'always' });
    await failureOf(c.send(burialMessage()));
    await failureOf(c.send(burialMessage()));
    const before = peer.sandbox.received.counts().received;
    const open = await failureOf(c.send(burialMessage()));
    expect([open.code, open.retryable]).toEqual(['PARTNER_CIRCUIT_OPEN', true]);
    expect(open.retryAfterMs).toBeGreaterThan(0);
    expect(peer.sandbox.received.counts().received).toBe(before);
    expect((await c.health()).ok).toBe(false);
  });

  it('refuses at connect an operation the WSDL does not have', async () => {
    const c = peer.connector({ operations: { x: { soapOperation: 'NoSuchOperation', service: 'MI/X', answerFaults: [] } } });
    opened.push(c);
    const error = await failureOf(c.connect());
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('NoSuchOperation');
  });
});
