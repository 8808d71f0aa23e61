/**
 * DGSN's signed events, from the DGSN sandbox to our webhook receiver over real sockets: a transport
 * notified through the REST connector, its events delivered, verified, stored once each, and applied
 * in the order of their states whatever the order of arrival (isNewerState), on good days and bad.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDgsnSandbox, type DgsnSandbox } from '../../../sandbox/dgsn';
import type { Connector, OutboundMessage } from '../../_kit/contract';
import { restConnectorFactory } from '../../rest';
import { closeAll, createConnectors } from '../../registry';
import { createWebhookReceiver, isNewerState, type WebhookEventRecord, type WebhookReceiver } from '../../webhook';
import { loadPartnerBindings, resolvePartnerConfig } from '../bindings';

const SECRET = 'shared-webhook-secret-of-dgsn-and-hub';
const CLIENT = { clientId: 'econsulat-hub', clientSecret: 'dgsn-client-secret-for-webhooks' };
const dataDir = mkdtempSync(join(tmpdir(), 'dgsn-webhook-'));

/** Stands for the inbox (unique on partner + event id) and the service applying transport states. */
class EventStore {
  readonly events = new Map<string, WebhookEventRecord>();
  readonly states = new Map<string, { type: string; at: string; outcome: string }>();
  failNext = 0;

  async store(record: WebhookEventRecord): Promise<{ inserted: boolean }> {
    if (this.failNext > 0) { this.failNext -= 1; throw new Error('store down'); }
    if (this.events.has(record.eventId)) return { inserted: false };
    this.events.set(record.eventId, record);
    const { transportId, type, at, outcome } = record.payload as { transportId: string; type: string; at: string; outcome: string };
    if (isNewerState(this.states.get(transportId), { type, at })) this.states.set(transportId, { type, at, outcome });
    return { inserted: true };
  }
}

let store: EventStore;
let receiver: WebhookReceiver;
let sandbox: DgsnSandbox;
let connectors: Map<string, Connector>;
let dgsn: Connector;

beforeAll(async () => {
  store = new EventStore();
  const { $comment: _comment, ...settings } = JSON.parse(readFileSync(join(__dirname, 'webhook.json'), 'utf8')) as Record<string, unknown>;
  receiver = createWebhookReceiver({ ...settings, path: String(settings.path), partner: 'dgsn', secret: SECRET, onEvent: (record) => store.store(record) });
  const webhookUrl = await receiver.listen();
  sandbox = await startDgsnSandbox({ dataDir, ...CLIENT, webhookUrl, webhookSecret: SECRET, clearanceDelayMs: 50, webhookRetryBaseMs: 50 });
  ({ connectors, connector: dgsn } = await connectorTo(sandbox));
});
afterAll(async () => {
  await closeAll(connectors);
  await sandbox.close();
  await receiver.close();
});
beforeEach(() => {
  sandbox.reset();
  store.events.clear();
  store.states.clear();
  store.failNext = 0;
});

/** The DGSN connector as the hub builds it (binding + deployment settings), aimed at `agency`, connected. */
async function connectorTo(agency: DgsnSandbox): Promise<{ connectors: Map<string, Connector>; connector: Connector }> {
  const binding = (await loadPartnerBindings()).get('dgsn');
  if (!binding) throw new Error('no dgsn binding');
  const map = createConnectors({ dgsn: resolvePartnerConfig(binding, { baseUrl: agency.url, tls: { caPath: agency.pki.caCertPath }, oauth2: CLIENT }) }, [restConnectorFactory]);
  const connector = map.get('dgsn');
  if (!connector) throw new Error('no dgsn connector');
  await connector.connect();
  return { connectors: map, connector };
}

function notify(extra: Record<string, unknown> = {}): OutboundMessage {
  return {
    messageId: randomUUID(), caseReference: 'REP-MAD-2026-000001', partner: 'dgsn', operation: 'transport.notify',
    payload: {
      caseReference: 'REP-MAD-2026-000001',
      deceased: { cnie: 'CD555111', familyName: 'ALAOUI', givenNames: 'Khadija', birthDate: '1948-02-20' },
      laissezPasserNumber: 'LPM-MAD-2026-0007', borderPost: 'Casablanca Mohammed V', carrier: 'Royal Air Maroc', flightOrVoyage: 'AT971',
      expectedArrivalAt: '2026-11-28T14:30:00Z', escorts: [{ familyName: 'ALAOUI', givenNames: 'Said', passportNumber: 'XY1234567' }],
      ...extra,
    },
  };
}

async function transportId(message: OutboundMessage): Promise<string> {
  const answer = await dgsn.send(message);
  expect(answer.status).toBe(202);
  return (answer.body as { transportId: string }).transportId;
}

/** Waits until every event the sandbox emitted has a 2xx delivery and no retry is pending. */
async function settled(expectedEvents: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = sandbox.webhooks.events;
    const acknowledged = new Set(sandbox.webhooks.deliveries.filter((d) => d.status !== null && d.status >= 200 && d.status < 300).map((d) => d.eventId));
    if (events.length >= expectedEvents && events.every((e) => acknowledged.has(e.eventId))) return;
    if (Date.now() > deadline) throw new Error(`events not all acknowledged: ${events.length} emitted, ${acknowledged.size} acknowledged`);
    await sleep(25);
  }
}

describe('DGSN webhooks into our receiver', () => {
  it('stores the clearance and the border arrival of a transport once each, signed and verified', async () => {
    const id = await transportId(notify());
    await settled(2);
    expect([...store.events.values()].map((r) => [r.type, r.payload.transportId, r.caseReference])).toEqual([
      ['TRANSPORT_CLEARANCE', id, 'REP-MAD-2026-000001'], ['BORDER_ARRIVAL', id, 'REP-MAD-2026-000001'],
    ]);
    expect(store.states.get(id)).toMatchObject({ type: 'BORDER_ARRIVAL', outcome: 'CLEARED' });
    expect(sandbox.webhooks.deliveries.map((d) => d.status)).toEqual([200, 200]);
  });

  it('replayed, badly signed, stale and out-of-order deliveries: each event stored once, the latest state kept', async () => {
    sandbox.faults.set({ webhookReplay: 1, webhookBadSignature: 1, webhookStaleTimestamp: 1, webhookOutOfOrder: 1 });
    const id = await transportId(notify());
    await settled(2);
    // Every delivery the sandbox made, refused ones included, and what came of them.
    const statuses = sandbox.webhooks.deliveries.map((d) => [d.fault, d.status]);
    expect(statuses).toEqual(expect.arrayContaining([['webhookStaleTimestamp', 401], ['webhookBadSignature', 401], ['webhookReplay', 200]]));
    expect(store.events.size).toBe(2);
    // The arrival came first; the late clearance did not overwrite it.
    expect(sandbox.webhooks.events.map((e) => e.type)).toEqual(['BORDER_ARRIVAL', 'TRANSPORT_CLEARANCE']);
    expect(store.states.get(id)).toMatchObject({ type: 'BORDER_ARRIVAL', outcome: 'CLEARED' });
  });

  it('an event the hub could not store is delivered again and then stored', async () => {
    store.failNext = 1;
    await transportId(notify({ laissezPasserNumber: undefined }));
    await settled(1);
    expect(sandbox.webhooks.deliveries.map((d) => d.status)).toEqual([500, 200]);
    expect([...store.events.values()].map((r) => r.payload.outcome)).toEqual(['HELD']);
  });

  it('a sandbox holding another secret gets every delivery refused, and nothing is stored', async () => {
    const stranger = await startDgsnSandbox({ dataDir, ...CLIENT, webhookUrl: await receiver.listen(), webhookSecret: 'not-the-secret-we-share-with-dgsn', clearanceDelayMs: 20, webhookRetryBaseMs: 10_000 });
    const { connectors: map, connector } = await connectorTo(stranger);
    try {
      expect((await connector.send(notify({ laissezPasserNumber: undefined }))).status).toBe(202);
      const deadline = Date.now() + 10_000;
      while (stranger.webhooks.deliveries.every((d) => d.status === null) && Date.now() < deadline) await sleep(25);
      expect(stranger.webhooks.deliveries.map((d) => d.status)).toEqual([401]);
      expect(store.events.size).toBe(0);
    } finally {
      await closeAll(map);
      await stranger.close();
    }
  });
});
