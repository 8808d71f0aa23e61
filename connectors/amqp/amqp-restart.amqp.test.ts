/**
 * A broker restart in the middle of the work: 50 messages published with retries driven the way the outbox
 * relay drives them (same message id on every attempt) and consumed with de-duplication by message id, as
 * the hub's inbox does. Afterwards every message has been stored exactly once and none is left or lost.
 * The exchange is not durable: it exists after the restart only because the connector declares it again.
 */
import { randomUUID } from 'node:crypto';
import { isHubError } from '../../broker/errors';
import type { OutboundMessage } from '../_kit/contract';
import { AmqpConnector } from './index';
import { directConnection, restartRabbitMq, testConfig, uniqueName, waitFor } from './testing/rabbitmq';

const COUNT = 50;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('AmqpConnector across a RabbitMQ restart', () => {
  const exchange = uniqueName('restart');
  const queue = `${exchange}.q`;
  const dead = { exchange: `${exchange}.dlx`, queue: `${exchange}.dead` };
  let connector: AmqpConnector | undefined;

  afterAll(async () => {
    await connector?.close();
    const admin = await directConnection();
    const ch = await admin.createChannel();
    for (const q of [queue, dead.queue]) await ch.deleteQueue(q).catch(() => undefined);
    for (const x of [exchange, dead.exchange]) await ch.deleteExchange(x).catch(() => undefined);
    await admin.close();
  }, 60_000);

  it('publishes and consumes 50 messages through a restart: each stored exactly once, none lost', async () => {
    connector = new AmqpConnector(testConfig({
      timeoutMs: 500, // shorter than the broker is down: sends during the outage fail and are retried
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
      breaker: { failureThreshold: 5, resetTimeoutMs: 300 },
      operations: { 'decision.publish': { exchange: { name: exchange, type: 'direct', durable: false }, routingKey: 'decision.{post}' } },
      sources: { decisions: { queue, prefetch: 5, requeueDelayMs: 50, bindings: [{ exchange: { name: exchange, type: 'direct', durable: false }, routingKey: 'decision.CG-MADRID' }], deadLetter: dead } },
    }), { partner: 'peer' });
    const c = connector;
    await c.connect();

    // The inbox: unique by message id. Redeliveries and re-sent messages are absorbed here.
    const stored = new Set<string>();
    const deliveredIds: string[] = [];
    await c.consume('decisions', async (m) => {
      deliveredIds.push(m.messageId);
      await sleep(Math.floor(Math.random() * 10)); // the insert takes a moment: some acks are cut off by the restart
      stored.add(m.messageId);
    });

    // The outbox relay: one attempt per send, the same message id on every retry, backoff on retryable failures.
    const failures: string[] = [];
    const deliverWithRetries = async (message: OutboundMessage): Promise<void> => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await c.send(message);
          return;
        } catch (error) {
          if (!isHubError(error) || !error.retryable || attempt > 200) throw error;
          failures.push(error.code);
          await sleep(Math.min(error.retryAfterMs ?? 0, 1000) + 100);
        }
      }
    };
    const messages: OutboundMessage[] = Array.from({ length: COUNT }, (_, i) => ({
      messageId: randomUUID(), caseReference: `RAP-MAD-2026-${String(i).padStart(6, '0')}`, partner: 'peer',
      operation: 'decision.publish', payload: { post: 'CG-MADRID', sequence: i },
    }));

    // Five relay workers publish side by side (so publishes are in flight when the connection drops). Once 15
    // are confirmed the broker restarts; each worker publishes its second half only after the loss was seen.
    let confirmed = 0;
    let lossSeen = false;
    let restart: Promise<void> | undefined;
    const watchLoss = async (): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (!lossSeen && Date.now() < deadline) {
        if (!(await c.health()).ok) lossSeen = true;
        else await sleep(5);
      }
    };
    const worker = async (share: OutboundMessage[]): Promise<void> => {
      for (const [k, message] of share.entries()) {
        if (k === share.length / 2) await waitFor(() => lossSeen, 60_000, 'the connection loss');
        await deliverWithRetries(message);
        confirmed += 1;
        if (confirmed === 15) restart = restartRabbitMq(1500).then(() => undefined);
        await sleep(30);
      }
    };
    const watching = (async () => { await waitFor(() => restart !== undefined, 60_000, 'the restart'); await watchLoss(); })();
    await Promise.all([0, 1, 2, 3, 4].map((w) => worker(messages.slice(w * 10, w * 10 + 10))));
    await watching;
    await restart;

    await waitFor(() => stored.size === COUNT, 60_000, 'every message stored');
    await waitFor(async () => (await c.health()).ok, 30_000, 'the connector healthy again');
    await sleep(500); // the last acks leave
    await c.close();

    const published = messages.map((m) => m.messageId).sort();
    expect([...stored].sort()).toEqual(published);
    expect(deliveredIds.every((id) => published.includes(id))).toBe(true);
    expect(lossSeen).toBe(true);
    expect(failures.length).toBeGreaterThan(0); // the restart was felt by the publisher
    expect(failures.every((code) => ['PARTNER_UNAVAILABLE', 'PARTNER_TIMEOUT', 'PARTNER_CIRCUIT_OPEN'].includes(code))).toBe(true);

    // Nothing left behind: after the consumer closed, the queue and its dead letters are empty.
    const admin = await directConnection();
    const ch = await admin.createChannel();
    const left = [(await ch.checkQueue(queue)).messageCount, (await ch.checkQueue(dead.queue)).messageCount];
    await admin.close();
    expect(left).toEqual([0, 0]);
  }, 180_000);
});
