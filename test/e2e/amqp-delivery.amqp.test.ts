import amqp from 'amqplib';
import { DELIVERY_QUEUE } from '../../broker/outbox/amqp-dispatcher';
import { amina, licenceRequest } from '../support/demo';
import { eventually, startHubFixture, type HubFixture } from '../support/hub-fixture';

const AMQP_URL = process.env.AMQP_URL as string;

/** Cluster mode's durable work queue: the relay publishes (with confirms), workers deliver with manual acks. */
describe('outbox delivery through RabbitMQ', () => {
  let f: HubFixture;
  let conn: amqp.ChannelModel;
  let ch: amqp.Channel;
  beforeAll(async () => {
    conn = await amqp.connect(AMQP_URL);
    ch = await conn.createChannel();
    f = await startHubFixture({ amqpUrl: AMQP_URL });
  });
  afterAll(async () => {
    await f.dispose();
    await conn.close();
  });

  it('delivers every message once through the durable queue', async () => {
    const token = await f.token('citizen', { sub: 'amina' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await f.api('POST', '/api/v1/requests', { token, body: licenceRequest(amina), headers: { 'idempotency-key': `amqp-${Date.now()}-${i}` } });
      expect(res.status).toBe(201);
      ids.push((res.body as { id: string }).id);
    }
    for (const id of ids) {
      await eventually(async () => ((await f.api('GET', `/api/v1/requests/${id}`, { token })).body as { status: string }).status === 'ready-for-decision' ? true : undefined);
    }
    const rows = await f.hub.database.knex('outbox').whereIn('request_id', ids).select('id', 'status', 'attempts');
    expect(rows.every((r) => r.status === 'delivered' && Number(r.attempts) === 1)).toBe(true);
    for (const r of rows) {
      expect(f.narsa.received.entries().filter((e) => e.messageId === r.id && e.status === 200)).toHaveLength(1);
    }
    const queue = await ch.checkQueue(DELIVERY_QUEUE);
    expect(queue.messageCount).toBe(0);
  });

  it('sets an unreadable work item aside in the dead-letter queue instead of looping on it', async () => {
    await ch.purgeQueue('hub.outbox.deliveries.unreadable');
    ch.sendToQueue(DELIVERY_QUEUE, Buffer.from('not json'), { persistent: true });
    const parked = await eventually(async () => {
      const q = await ch.checkQueue('hub.outbox.deliveries.unreadable');
      return q.messageCount === 1 ? q : undefined;
    });
    expect(parked.messageCount).toBe(1);
    await ch.purgeQueue('hub.outbox.deliveries.unreadable');
  });
});

/** RabbitMQ restarted while deliveries are in flight: the hub reconnects; nothing is lost, nothing is done twice. */
describe('RabbitMQ restart during delivery', () => {
  let f: HubFixture;
  beforeAll(async () => { f = await startHubFixture({ amqpUrl: AMQP_URL, outbox: { pollIntervalMs: 50, leaseMs: 3000, retry: { baseMs: 100, maxMs: 500, maxAttempts: 50 } } }); });
  afterAll(async () => { await f.dispose(); });

  it('delivers every accepted request once after the restart', async () => {
    const { execFileSync } = await import('node:child_process');
    const token = await f.token('citizen', { sub: 'amina' });
    f.narsa.faults.set({ latencyMs: 1500 });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await f.api('POST', '/api/v1/requests', { token, body: licenceRequest(amina), headers: { 'idempotency-key': `restart-${Date.now()}-${i}` } });
      expect(res.status).toBe(201);
      ids.push((res.body as { id: string }).id);
    }
    await eventually(async () => (f.narsa.received.entries().length > 0 ? true : undefined));
    execFileSync('rabbitmqctl', ['stop_app'], { stdio: 'ignore', timeout: 60000 });
    execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore', timeout: 60000 });
    f.narsa.faults.reset();
    for (const id of ids) {
      await eventually(async () => ((await f.api('GET', `/api/v1/requests/${id}`, { token })).body as { status: string }).status === 'ready-for-decision' ? true : undefined, 60000, 200);
    }
    const rows = await f.hub.database.knex('outbox').whereIn('request_id', ids).select('id', 'status');
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);
    for (const r of rows) {
      // Applied once: one answer in the inbox per message, whatever NARSA saw on the wire.
      expect(await f.hub.database.knex('inbox').where({ message_id: `answer:${r.id}` })).toHaveLength(1);
    }
    for (const id of ids) {
      const history = await f.hub.database.knex('request_history').where({ request_id: id, status: 'ready-for-decision' });
      expect(history).toHaveLength(1);
    }
  }, 180000);
});
