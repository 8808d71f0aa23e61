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
