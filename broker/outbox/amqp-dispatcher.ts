import amqp, { type Channel, type ConfirmChannel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Dispatcher } from './relay';
import { takeQueuedMessage, type OutboxMessage } from './outbox-store';
import { deliverMessage, type DeliveryDeps } from './deliver';

export const DELIVERY_QUEUE = 'hub.outbox.deliveries';
const DEAD_EXCHANGE = 'hub.outbox.dlx';
const DEAD_QUEUE = 'hub.outbox.deliveries.unreadable';

export interface AmqpDispatcher extends Dispatcher {
  /** Starts this node's delivery worker on the queue (after the broker's services are up). */
  startConsuming(): Promise<void>;
  close(): Promise<void>;
}

export interface AmqpDispatcherOptions {
  url: string;
  delivery: DeliveryDeps;
  leaseMs: number;
  prefetch?: number;
  log: { info(msg: string, meta?: Record<string, unknown>): void; warn(msg: string, meta?: Record<string, unknown>): void };
}

async function declareTopology(ch: Channel): Promise<void> {
  await ch.assertExchange(DEAD_EXCHANGE, 'fanout', { durable: true });
  await ch.assertQueue(DEAD_QUEUE, { durable: true });
  await ch.bindQueue(DEAD_QUEUE, DEAD_EXCHANGE, '');
  await ch.assertQueue(DELIVERY_QUEUE, { durable: true, deadLetterExchange: DEAD_EXCHANGE });
}

/**
 * Cluster mode: the relay hands claimed message ids to a durable RabbitMQ queue (publisher confirms: a message
 * counts as handed over only once the broker has it), and every node's worker takes them with manual acks.
 * The database stays the source of truth: a worker takes a message only if its row is still `queued`, and a
 * message whose worker died is claimed again by a relay when its lease expires.
 */
export async function createAmqpDispatcher(opts: AmqpDispatcherOptions): Promise<AmqpDispatcher> {
  let connection: ChannelModel | undefined;
  let publisher: ConfirmChannel | undefined;
  let consumer: Channel | undefined;
  let consuming = false;
  let closing = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const handle = async (raw: ConsumeMessage | null): Promise<void> => {
    if (!raw || !consumer) return;
    const ch = consumer;
    let id: string | undefined;
    try {
      id = (JSON.parse(raw.content.toString('utf8')) as { id?: unknown }).id as string | undefined;
    } catch { /* handled below */ }
    if (typeof id !== 'string') {
      ch.nack(raw, false, false); // unreadable: to the dead-letter queue, kept for inspection
      return;
    }
    try {
      const message = await takeQueuedMessage(opts.delivery.db, id, opts.leaseMs);
      if (message) await deliverMessage(message, opts.delivery);
    } catch (err) {
      // The row keeps its lease: a relay claims it again when the lease runs out. Nothing is lost.
      opts.log.warn('delivery worker failed on a message', { messageId: id, error: err instanceof Error ? err.name : 'unknown' });
    }
    try {
      ch.ack(raw);
    } catch {
      // The channel closed under us (broker restart): RabbitMQ requeues the item; the next worker finds the row
      // no longer `queued` and acks it without a second delivery.
    }
  };

  const connect = async (): Promise<void> => {
    const conn = await amqp.connect(opts.url);
    conn.on('error', () => { /* 'close' follows and reconnects */ });
    conn.on('close', () => {
      connection = undefined; publisher = undefined; consumer = undefined;
      if (closing) return;
      opts.log.warn('RabbitMQ connection lost; reconnecting');
      scheduleReconnect(1000);
    });
    const pub = await conn.createConfirmChannel();
    pub.on('error', () => { /* the connection's 'close' handler reconnects */ });
    await declareTopology(pub);
    connection = conn;
    publisher = pub;
    if (consuming) await consume();
  };

  const scheduleReconnect = (delayMs: number): void => {
    if (reconnectTimer || closing) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().catch(() => scheduleReconnect(Math.min(delayMs * 2, 30_000)));
    }, delayMs);
  };

  const consume = async (): Promise<void> => {
    if (!connection) return;
    const ch = await connection.createChannel();
    ch.on('error', () => { /* the connection's 'close' handler reconnects */ });
    await ch.prefetch(opts.prefetch ?? 10);
    consumer = ch;
    await ch.consume(DELIVERY_QUEUE, (m) => { void handle(m); }, { noAck: false });
  };

  await connect();

  return {
    claimAs: 'queued',
    async dispatch(messages: OutboxMessage[]) {
      const ch = publisher;
      if (!ch) throw new Error('RabbitMQ is not connected');
      for (const m of messages) {
        ch.publish('', DELIVERY_QUEUE, Buffer.from(JSON.stringify({ id: m.id })), { persistent: true, messageId: m.id, contentType: 'application/json' });
      }
      await ch.waitForConfirms();
    },
    async startConsuming() {
      consuming = true;
      await consume();
    },
    async close() {
      closing = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await connection?.close().catch(() => undefined);
    },
  };
}
