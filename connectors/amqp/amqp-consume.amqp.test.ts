/**
 * The consumer side against the real RabbitMQ of AMQP_URL: manual acks after the handler, prefetch,
 * dead letters, requeue, and resumption after a lost connection.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel } from 'amqplib';
import { HubError } from '../../broker/errors';
import { AmqpConnector, type AmqpConnectorConfig, type InboundAmqpMessage } from './index';
import { startAmqpFaultProxy, type AmqpFaultProxy } from './testing/amqp-fault-proxy';
import { brokerUrl, directConnection, testConfig, uniqueName, waitFor } from './testing/rabbitmq';

let admin: ChannelModel;
let ch: Channel;
const cleanup: (() => Promise<unknown>)[] = [];
const open: AmqpConnector[] = [];

beforeAll(async () => { admin = await directConnection(); ch = await admin.createChannel(); });
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});
afterAll(async () => { await admin.close(); });

interface Names { queue: string; deadExchange: string; deadQueue: string }

function sourceConfig(extra: Record<string, unknown> = {}, url?: string): { names: Names; config: AmqpConnectorConfig } {
  const queue = uniqueName('inbound');
  const names = { queue, deadExchange: `${queue}.dlx`, deadQueue: `${queue}.dead` };
  cleanup.push(() => ch.deleteQueue(names.queue), () => ch.deleteQueue(names.deadQueue), () => ch.deleteExchange(names.deadExchange));
  const config = testConfig({
    sources: { decisions: { queue, prefetch: 1, requeueDelayMs: 50, deadLetter: { exchange: names.deadExchange, queue: names.deadQueue }, ...extra } },
  }, url);
  return { names, config };
}

async function connected(config: AmqpConnectorConfig): Promise<AmqpConnector> {
  const connector = new AmqpConnector(config, { partner: 'peer' });
  open.push(connector);
  await connector.connect();
  return connector;
}

/** `messageId: null` sends a message without one. */
function put(queue: string, body: string | object, messageId: string | null = randomUUID()): string {
  const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  ch.sendToQueue(queue, content, { persistent: true, messageId: messageId ?? undefined, headers: { 'x-case-reference': 'RAP-MAD-2026-000003' }, correlationId: 'c-1' });
  return messageId ?? '';
}

const counts = async (names: Names): Promise<[number, number]> =>
  [(await ch.checkQueue(names.queue)).messageCount, (await ch.checkQueue(names.deadQueue)).messageCount];

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('AmqpConnector consuming', () => {
  it('hands the message with its envelope to the handler and acks it once the handler resolved', async () => {
    const { names, config } = sourceConfig();
    const connector = await connected(config);
    const seen: InboundAmqpMessage[] = [];
    const gate = deferred();
    let finished = false;
    await connector.consume('decisions', async (m) => { seen.push(m); await gate.promise; finished = true; });
    const id = put(names.queue, { decision: 'favorable' });
    await waitFor(() => seen.length === 1, 10_000, 'the delivery');
    expect(seen[0]).toMatchObject({ source: 'decisions', messageId: id, correlationId: 'c-1', caseReference: 'RAP-MAD-2026-000003', body: { decision: 'favorable' }, redelivered: false });
    gate.resolve();
    await waitFor(() => finished, 10_000, 'the handler');
    // Closing requeues whatever is unacked: an empty queue afterwards proves the ack went out.
    await connector.close();
    expect(await counts(names)).toEqual([0, 0]);
  });

  it('a handler whose channel is closed mid-way does not ack: the message goes back and is redelivered', async () => {
    const { names, config } = sourceConfig();
    const first = await connected(config);
    const gate = deferred();
    const firstSeen: string[] = [];
    await first.consume('decisions', async (m) => { firstSeen.push(m.messageId); await gate.promise; });
    const id = put(names.queue, { n: 1 });
    await waitFor(() => firstSeen.length === 1, 10_000, 'the first delivery');
    await first.close(); // the consumer channel closes under the running handler
    gate.resolve();
    const second = await connected(config);
    const secondSeen: InboundAmqpMessage[] = [];
    await second.consume('decisions', async (m) => { secondSeen.push(m); });
    await waitFor(() => secondSeen.length === 1, 10_000, 'the redelivery');
    expect([secondSeen[0].messageId, secondSeen[0].redelivered]).toEqual([id, true]);
  });

  it('a handler cut off by a lost connection does not ack: the message is redelivered and the consumer resumes', async () => {
    const proxy: AmqpFaultProxy = await startAmqpFaultProxy(brokerUrl());
    cleanup.push(() => proxy.close());
    const { names, config } = sourceConfig({}, proxy.url);
    const connector = await connected(config);
    const deliveries: InboundAmqpMessage[] = [];
    const first = deferred();
    await connector.consume('decisions', async (m) => {
      deliveries.push(m);
      if (deliveries.length === 1) await first.promise; // killed mid-way: the connection goes away under it
    });
    const id = put(names.queue, { n: 1 });
    await waitFor(() => deliveries.length === 1, 10_000, 'the first delivery');
    proxy.dropConnections();
    await waitFor(() => deliveries.length === 2, 15_000, 'the redelivery after the reconnect');
    expect(deliveries.map((d) => [d.messageId, d.redelivered])).toEqual([[id, false], [id, true]]);
    first.resolve(); // its ack would be on a dead channel: skipped, no crash
    await waitFor(async () => (await counts(names))[0] === 0, 10_000, 'the ack of the redelivery');
    const later = put(names.queue, { n: 2 });
    await waitFor(() => deliveries.length === 3, 10_000, 'a new message on the resumed consumer');
    expect(deliveries[2].messageId).toBe(later);
  });

  it('a consumer the broker cancels (queue deleted) comes back on a new channel and declares its queue again', async () => {
    const { names, config } = sourceConfig();
    const connector = await connected(config);
    const seen: string[] = [];
    await connector.consume('decisions', async (m) => { seen.push(m.messageId); });
    await ch.deleteQueue(names.queue);
    await waitFor(async () => {
      try { await admin.createChannel().then(async (probe) => { probe.on('error', () => undefined); await probe.checkQueue(names.queue); await probe.close(); }); return true; } catch { return false; }
    }, 10_000, 'the queue declared again');
    const id = put(names.queue, { n: 1 });
    await waitFor(() => seen.includes(id), 10_000, 'a delivery on the new channel');
    expect((await connector.health()).ok).toBe(true);
  });

  it('takes at most `prefetch` messages at once', async () => {
    const { names, config } = sourceConfig({ prefetch: 2 });
    const connector = await connected(config);
    const gate = deferred();
    let running = 0;
    let done = 0;
    await connector.consume('decisions', async () => { running += 1; await gate.promise; running -= 1; done += 1; });
    for (let i = 0; i < 5; i += 1) put(names.queue, { i });
    await waitFor(() => running === 2, 10_000, 'two handlers running');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(running).toBe(2);
    gate.resolve();
    await waitFor(() => done === 5, 10_000, 'all five handled');
  });

  it('dead-letters what the handler refuses as unreadable, and what cannot be read at all', async () => {
    const { names, config } = sourceConfig();
    const connector = await connected(config);
    const handled: string[] = [];
    await connector.consume('decisions', async (m) => {
      handled.push(m.messageId);
      if ((m.body as { bad?: boolean }).bad) throw new HubError('MAPPING_FAILED', 'decision: field x is missing');
    });
    const refused = put(names.queue, { bad: true });
    put(names.queue, 'not json {');
    put(names.queue, { fine: true }, null);
    await waitFor(async () => (await counts(names))[1] === 3, 10_000, 'three dead letters');
    expect(handled).toEqual([refused]);
    const dead = await ch.get(names.deadQueue, { noAck: true });
    if (dead === false) throw new Error('no dead letter');
    expect(dead.properties.messageId).toBe(refused);
    expect(dead.properties.headers?.['x-death']).toEqual([expect.objectContaining({ queue: names.queue, reason: 'rejected' })]);
  });

  it('requeues on a transient handler failure and acks when it succeeds', async () => {
    const { names, config } = sourceConfig();
    const connector = await connected(config);
    const attempts: boolean[] = [];
    await connector.consume('decisions', async (m) => {
      attempts.push(m.redelivered);
      if (attempts.length < 3) throw new Error('database busy');
    });
    put(names.queue, { n: 1 });
    await waitFor(() => attempts.length === 3, 10_000, 'three attempts');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await connector.close();
    expect(attempts).toEqual([false, true, true]);
    expect(await counts(names)).toEqual([0, 0]);
  });

  it('refuses an unknown source and consume before connect', async () => {
    const { config } = sourceConfig();
    const idle = new AmqpConnector(config, { partner: 'peer' });
    await expect(idle.consume('decisions', async () => undefined)).rejects.toMatchObject({ code: 'NOT_READY' });
    const connector = await connected(config);
    await expect(connector.consume('other', async () => undefined)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: 'peer amqp: no source "other" (declared: decisions)' });
  });
});
