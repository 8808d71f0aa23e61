/**
 * Publishing against the real RabbitMQ of AMQP_URL (the shared contract suite is in amqp-contract.amqp.test.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel } from 'amqplib';
import { isHubError, type HubError } from '../../broker/errors';
import type { OutboundMessage } from '../_kit/contract';
import { AmqpConnector, amqpConnectorFactory, type AmqpConnectorConfig } from './index';
import { startAmqpFaultProxy, type AmqpFaultProxy } from './testing/amqp-fault-proxy';
import { brokerUrl, directConnection, testConfig, uniqueName } from './testing/rabbitmq';

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

function names(): { exchange: string; queue: string } {
  const exchange = uniqueName('publish');
  const queue = `${exchange}.q`;
  cleanup.push(() => ch.deleteExchange(exchange), () => ch.deleteQueue(queue));
  return { exchange, queue };
}

async function connected(config: AmqpConnectorConfig): Promise<AmqpConnector> {
  const connector = new AmqpConnector(config, { partner: 'peer' });
  open.push(connector);
  await connector.connect();
  return connector;
}

const message = (operation: string, payload: Record<string, unknown> = { post: 'CG-PARIS', cnie: 'BK123456' }): OutboundMessage => ({
  messageId: randomUUID(), caseReference: 'LIC-PAR-2026-000042', correlationId: 'trace-7', partner: 'peer', operation, payload,
});

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try { await promise; } catch (error) { if (isHubError(error)) return error; throw error; }
  throw new Error('expected the call to fail');
}

/** True when the broker accepts a declaration with these flags, i.e. the object exists with them. */
async function declaredAs(declare: (c: Channel) => Promise<unknown>): Promise<boolean> {
  const probe = await admin.createChannel();
  probe.on('error', () => undefined);
  try { await declare(probe); await probe.close(); return true; } catch { return false; }
}

describe('AmqpConnector publishing', () => {
  it('resolves only once the broker has the message: persistent, with the envelope as properties', async () => {
    const { queue } = names();
    const connector = await connected(testConfig({ operations: { 'notice.submit': { queue: { name: queue } } } }));
    const sent = message('notice.submit');
    const answer = await connector.send(sent);
    expect([answer.status, answer.body, answer.endpoint]).toEqual([200, { confirmed: true }, `PUBLISH amqp://127.0.0.1:5672/ queue ${queue}`]);
    const got = await ch.get(queue, { noAck: true });
    if (got === false) throw new Error('the message is not in the queue although send resolved');
    expect(JSON.parse(got.content.toString('utf8'))).toEqual(sent.payload);
    expect(got.properties).toMatchObject({
      deliveryMode: 2, messageId: sent.messageId, correlationId: 'trace-7', contentType: 'application/json',
      headers: { 'x-case-reference': 'LIC-PAR-2026-000042' },
    });
  });

  it('declares durable exchanges and queues (a restart keeps them)', async () => {
    const { exchange, queue } = names();
    await connected(testConfig({
      operations: {
        a: { exchange: { name: exchange, type: 'direct' }, routingKey: 'k' },
        b: { queue: { name: queue } },
      },
    }));
    expect(await declaredAs((c) => c.assertExchange(exchange, 'direct', { durable: true }))).toBe(true);
    expect(await declaredAs((c) => c.assertExchange(exchange, 'direct', { durable: false }))).toBe(false);
    expect(await declaredAs((c) => c.assertQueue(queue, { durable: true }))).toBe(true);
    expect(await declaredAs((c) => c.assertQueue(queue, { durable: false }))).toBe(false);
  });

  it('fills the routing key from payload fields', async () => {
    const { exchange, queue } = names();
    const connector = await connected(testConfig({ operations: { 'notice.route': { exchange: { name: exchange, type: 'topic' }, routingKey: 'notice.{post}.{kind}' } } }));
    await ch.assertQueue(queue, { durable: false });
    await ch.bindQueue(queue, exchange, 'notice.CG-PARIS.*');
    await connector.send(message('notice.route', { post: 'CG-PARIS', kind: 'burial' }));
    const got = await ch.get(queue, { noAck: true });
    expect(got !== false && got.fields.routingKey).toBe('notice.CG-PARIS.burial');
  });

  it('an unusable routing-key field is MAPPING_FAILED naming the field, not the value', async () => {
    const { exchange } = names();
    const connector = await connected(testConfig({ operations: { r: { exchange: { name: exchange }, routingKey: 'n.{post}' } } }));
    const missing = await failureOf(connector.send(message('r', { cnie: 'BK123456' })));
    expect([missing.code, missing.message]).toEqual(['MAPPING_FAILED', `peer r (PUBLISH amqp://127.0.0.1:5672/ exchange ${exchange} key n.{post}): payload field post is missing`]);
    const wildcard = await failureOf(connector.send(message('r', { post: 'CG.#' })));
    expect(wildcard.code).toBe('MAPPING_FAILED');
    expect(wildcard.message).not.toContain('CG.#');
  });

  it('an unroutable message (mandatory) is PARTNER_REJECTED', async () => {
    const { exchange } = names();
    const connector = await connected(testConfig({ operations: { lost: { exchange: { name: exchange }, routingKey: 'nobody.listens' } } }));
    const error = await failureOf(connector.send(message('lost')));
    expect([error.code, error.retryable]).toEqual(['PARTNER_REJECTED', false]);
    expect((await connector.send({ ...message('lost') }).catch((e: HubError) => e.code))).toBe('PARTNER_REJECTED');
  });

  it('a nack (queue full, reject-publish) is PARTNER_UNAVAILABLE, retryable', async () => {
    const { exchange, queue } = names();
    const connector = await connected(testConfig({ operations: { full: { exchange: { name: exchange, type: 'direct' }, routingKey: 'k' } } }));
    await ch.assertQueue(queue, { durable: false, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    await ch.bindQueue(queue, exchange, 'k');
    const error = await failureOf(connector.send(message('full')));
    expect([error.code, error.retryable, error.message]).toEqual(['PARTNER_UNAVAILABLE', true, `peer full (PUBLISH amqp://127.0.0.1:5672/ exchange ${exchange} key k): the broker refused the message (nack)`]);
  });

  it('refuses a body over maxMessageBytes with VALIDATION_FAILED, and nothing is published', async () => {
    const { queue } = names();
    const connector = await connected(testConfig({ maxMessageBytes: 100, operations: { big: { queue: { name: queue } } } }));
    const error = await failureOf(connector.send(message('big', { text: 'x'.repeat(200) })));
    expect([error.code, error.errors?.[0].path]).toEqual(['VALIDATION_FAILED', '/payload']);
    expect((await ch.checkQueue(queue)).messageCount).toBe(0);
  });

  it('a publish in flight when the connection drops fails PARTNER_UNAVAILABLE; the next one goes out after the reconnect', async () => {
    const { queue } = names();
    const proxy: AmqpFaultProxy = await startAmqpFaultProxy(brokerUrl());
    cleanup.push(() => proxy.close());
    const connector = await connected(testConfig({ timeoutMs: 3000, operations: { q: { queue: { name: queue } } } }, proxy.url));
    proxy.holdFor(10_000);
    const pending = failureOf(connector.send(message('q')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.holdFor(0);
    proxy.dropConnections();
    const error = await pending;
    expect([error.code, error.retryable]).toEqual(['PARTNER_UNAVAILABLE', true]);
    expect((await connector.health()).ok).toBe(false);
    const retried = message('q');
    await connector.send(retried);
    expect((await connector.health())).toMatchObject({ ok: true, detail: 'connected to amqp://127.0.0.1:' + new URL(proxy.url).port + '/' });
  });

  it('an exchange deleted under the connector fails one send (retryable) and is declared again for the next', async () => {
    const { exchange, queue } = names();
    const connector = await connected(testConfig({
      operations: { r: { exchange: { name: exchange, type: 'direct' }, routingKey: 'k' } },
      sources: { back: { queue, bindings: [{ exchange: { name: exchange, type: 'direct' }, routingKey: 'k' }], deadLetter: { exchange: `${queue}.dlx`, queue: `${queue}.dead` } } },
    }));
    cleanup.push(() => ch.deleteQueue(`${queue}.dead`), () => ch.deleteExchange(`${queue}.dlx`));
    await ch.deleteExchange(exchange);
    const error = await failureOf(connector.send(message('r')));
    expect([error.code, error.retryable, error.message]).toEqual(['PARTNER_UNAVAILABLE', true, `peer r (PUBLISH amqp://127.0.0.1:5672/ exchange ${exchange} key k): the broker closed the channel (AMQP 404)`]);
    await connector.send(message('r'));
    expect((await ch.checkQueue(queue)).messageCount).toBe(1);
  });

  it('opens the circuit after consecutive failures and says so in health', async () => {
    const { exchange, queue } = names();
    const connector = await connected(testConfig({ breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 }, operations: { full: { exchange: { name: exchange, type: 'direct' }, routingKey: 'k' } } }));
    await ch.assertQueue(queue, { durable: false, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    await ch.bindQueue(queue, exchange, 'k');
    await failureOf(connector.send(message('full')));
    await failureOf(connector.send(message('full')));
    const refused = await failureOf(connector.send(message('full')));
    expect(refused.code).toBe('PARTNER_CIRCUIT_OPEN');
    expect(await connector.health()).toMatchObject({ ok: false, circuit: 'open' });
  });
});

describe('AmqpConnector configuration and secrets', () => {
  it('a refused login fails connect with PARTNER_UNAVAILABLE and never shows the password', async () => {
    const connector = new AmqpConnector({ ...testConfig({}), password: 'S3cret-not-the-password' }, { partner: 'peer' });
    const error = await failureOf(connector.connect());
    expect(error.code).toBe('PARTNER_UNAVAILABLE');
    expect(error.message).toBe('peer amqp amqp://127.0.0.1:5672/: cannot connect (access refused (check username and password))');
    expect(error.message).not.toContain('S3cret');
    expect((await connector.health()).ok).toBe(false);
  });

  it('refuses credentials in the URL and an operation without a target', () => {
    const problem = (settings: Record<string, unknown>): string => {
      try { amqpConnectorFactory.create(testConfig(settings), { partner: 'peer' }); } catch (error) { if (isHubError(error)) return error.message; }
      return 'valid';
    };
    const withPassword = problem({ url: 'amqp://user:S3cret@mq.example:5672/' });
    expect(withPassword).toContain('partners.peer.amqp.url: must match pattern');
    expect(withPassword).not.toContain('S3cret');
    expect(problem({ operations: { nowhere: { mandatory: true } } })).toBe('partners.peer.amqp.operations.nowhere: needs exactly one of exchange (with routingKey) or queue');
    expect(problem({ operations: { bad: { exchange: { name: 'x' } } } })).toContain('must have property routingKey');
  });
});
