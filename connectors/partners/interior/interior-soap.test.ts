/**
 * The Interior binding end to end on our side of the wire: the binding's connector against the Interior
 * sandbox, and the sandbox calling the hub's ConsularCallbackService back — normal days and bad days
 * (duplicate callbacks, a callback before the Ack, a missed callback and the status poll, a hub that
 * cannot store a callback yet).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSandboxPki } from '../../../sandbox/pki';
import { DEFAULT_INTERIOR_CREDENTIALS } from '../../../sandbox/interior';
import type { Connector } from '../../_kit/contract';
import { createSoapCallbackServer, soapConfigSchema, SoapConnector, type CallbackRecord, type SoapCallbackServer, type SoapConnectorConfig } from '../../soap';
import { validateConnectorConfig } from '../../_kit/config-validation';
import { burialMessage, startInteriorPeer, type InteriorPeer } from '../../soap/testing/interior-peer';
import { loadPartnerBindings, resolvePartnerConfig } from '../bindings';

const WSDL = readFileSync(join(__dirname, 'consular-callback.wsdl'), 'utf8');

let peer: InteriorPeer;
let callbacks: SoapCallbackServer;
let connector: Connector;
/** Stands for the inbox: recordInbound's rule (one row per message id), in arrival order. */
const inbox = new Map<string, CallbackRecord>();
let deliveries = 0;
let storeFails = 0;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  callbacks = await createSoapCallbackServer({
    port: 0, wsdl: WSDL, credentials: DEFAULT_INTERIOR_CREDENTIALS.interior,
    onCallback: async (record) => {
      deliveries += 1;
      if (storeFails > 0) { storeFails -= 1; throw new Error('inbox unavailable'); }
      if (inbox.has(record.messageId)) return { inserted: false };
      inbox.set(record.messageId, record);
      return { inserted: true };
    },
  });
  peer = await startInteriorPeer(callbacks.url);
  const binding = (await loadPartnerBindings()).get('interior');
  if (!binding) throw new Error('no interior binding');
  const { protocol, ...settings } = resolvePartnerConfig(binding, { url: peer.sandbox.url, credentials: DEFAULT_INTERIOR_CREDENTIALS.hub, tls: { caPath: peer.sandbox.pki.caCertPath } });
  expect(protocol).toBe('soap');
  connector = new SoapConnector(validateConnectorConfig<SoapConnectorConfig>(soapConfigSchema, settings, 'partners.interior.soap'), { partner: 'interior' });
  await connector.connect();
});
afterAll(async () => {
  await connector.close();
  await peer.close();
  await callbacks.close();
});
beforeEach(() => {
  peer.sandbox.faults.reset();
  peer.sandbox.faults.set({ callbackDelayMs: 0, callbackRetryMs: 200 });
  inbox.clear();
  deliveries = 0;
  storeFails = 0;
});

const decisionFor = (ticket: string): CallbackRecord | undefined => [...inbox.values()].find((r) => r.payload.ticket === ticket);

describe('Interior binding with the sandbox and the callback service', () => {
  it('submits, gets an Ack, and receives the decision by callback (Khadija ALAOUI: granted)', async () => {
    const ack = await connector.send(burialMessage());
    const ticket = (ack.body as { ticket: string }).ticket;
    const record = await until('the decision callback', () => decisionFor(ticket));
    expect(record).toMatchObject({
      operation: 'NotifyBurialAuthorisationDecision', caseReference: 'REP-MAD-2026-000001',
      payload: { ticket, decision: 'GRANTED', issuingCommune: 'Fès-Médina', validUntil: '24/12/2026' },
    });
    await until('the Ack of the callback to reach the sandbox', () => peer.sandbox.callbacks.find((c) => c.ticket === ticket && c.acknowledged === 1));
  });

  it('needs more information when the death act is missing', async () => {
    const ack = await connector.send(burialMessage({ attachments: [] }));
    const record = await until('the decision callback', () => decisionFor((ack.body as { ticket: string }).ticket));
    expect(record.payload).toMatchObject({ decision: 'NEEDS_INFO', reason: 'DEATH_ACT_MISSING' });
  });

  it('stores a callback sent twice exactly once; both copies are acknowledged', async () => {
    peer.sandbox.faults.set({ duplicateCallbacks: true });
    const ack = await connector.send(burialMessage());
    const ticket = (ack.body as { ticket: string }).ticket;
    const sent = await until('two acknowledged copies', () => peer.sandbox.callbacks.find((c) => c.ticket === ticket && c.acknowledged === 2));
    expect(sent.attempts).toBe(2);
    expect([...inbox.values()].filter((r) => r.payload.ticket === ticket)).toHaveLength(1);
    expect(deliveries).toBe(2);
  });

  it('stores a callback that arrives before the Ack of its submission', async () => {
    peer.sandbox.faults.set({ callbackBeforeAck: true });
    const message = burialMessage();
    const ack = await connector.send(message);
    // By the time the Ack is in our hands, the decision is already stored: the hub applies it once the Ack is.
    const ticket = (ack.body as { ticket: string }).ticket;
    expect(decisionFor(ticket)).toMatchObject({ caseReference: message.caseReference, payload: { decision: 'GRANTED' } });
  });

  it('gets the callback again when the hub could not store it the first time', async () => {
    storeFails = 1;
    const ack = await connector.send(burialMessage());
    const ticket = (ack.body as { ticket: string }).ticket;
    await until('the retried callback', () => decisionFor(ticket));
    const sent = await until('an acknowledged callback', () => peer.sandbox.callbacks.find((c) => c.ticket === ticket && c.acknowledged === 1));
    expect(sent.attempts).toBe(2);
  });

  it('misses a callback on demand; the status poll tells the decision', async () => {
    peer.sandbox.faults.set({ missCallbacks: 1 });
    const ack = await connector.send(burialMessage());
    const ticket = (ack.body as { ticket: string }).ticket;
    const poll = async () => (await connector.send({ ...burialMessage(), operation: 'burial.status', messageId: burialMessage().messageId, payload: { ticket } })).body as { state: string };
    let status = await poll();
    for (let i = 0; i < 100 && status.state === 'PENDING'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await poll();
    }
    expect(status).toMatchObject({ ticket, state: 'GRANTED' });
    expect(decisionFor(ticket)).toBeUndefined();
  });

  it('transcribes a death and calls back with the death act; the extract can then be asked for', async () => {
    const message = burialMessage();
    const { attachments, caseReference, deceased, death } = message.payload as Record<string, unknown>;
    const ack = await connector.send({ ...message, operation: 'death.transcribe', payload: { caseReference, deceased, death, attachments } });
    const ticket = (ack.body as { ticket: string }).ticket;
    expect(ticket).toMatch(/^MI-TRD-/);
    const record = await until('the transcription callback', () => decisionFor(ticket));
    expect(record.operation).toBe('NotifyDeathTranscription');
    const act = record.payload.deathAct as { communeCode: string; year: string; actNumber: string };
    expect(act).toMatchObject({ communeCode: '351041', year: '2026' });
    const extract = await connector.send({ ...burialMessage(), operation: 'civil-status.extract', payload: { act: { ...act, actType: 'DEATH' } } });
    expect(extract.body).toMatchObject({ familyNameLatin: 'ALAOUI', eventDate: '20/11/2026' });
  });
});

describe('Interior callbacks over HTTPS', () => {
  it('the sandbox calls back an HTTPS callback service it trusts, and the decision is stored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interior-https-'));
    const pki = await ensureSandboxPki(dir);
    const received: CallbackRecord[] = [];
    const secure = await createSoapCallbackServer({
      port: 0, wsdl: WSDL, credentials: DEFAULT_INTERIOR_CREDENTIALS.interior,
      tls: { cert: readFileSync(pki.serverCertPath), key: readFileSync(pki.serverKeyPath) },
      onCallback: async (record) => { received.push(record); return { inserted: true }; },
    });
    const httpsPeer = await startInteriorPeer(secure.url, readFileSync(pki.caCertPath));
    const c = httpsPeer.connector();
    try {
      httpsPeer.sandbox.faults.set({ callbackDelayMs: 0 });
      await c.connect();
      const ticket = ((await c.send(burialMessage())).body as { ticket: string }).ticket;
      const record = await until('the decision over HTTPS', () => received.find((r) => r.payload.ticket === ticket));
      expect(record.payload.decision).toBe('GRANTED');
    } finally {
      await c.close();
      await httpsPeer.close();
      await secure.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
