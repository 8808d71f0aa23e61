import { randomUUID } from 'node:crypto';
import { runConnectorContractSuite } from '../_kit/contract-suite';
import { AmqpConnector } from './index';
import { startAmqpFaultProxy } from './testing/amqp-fault-proxy';
import { brokerUrl, directConnection, testConfig, uniqueName } from './testing/rabbitmq';

const TIMEOUT_MS = 500;

// On AMQP, `send` is a publish and its answer is the broker's confirm. The peer is RabbitMQ behind a fault
// proxy: "no answer" is the confirm held past the timeout; an "oversized answer" is the broker's next frame
// carrying more bytes than its header declares (unreadable: the connection is dropped and re-established).
runConnectorContractSuite('amqp', async () => {
  const proxy = await startAmqpFaultProxy(brokerUrl());
  const exchange = uniqueName('contract');
  const queue = `${exchange}.q`;
  const config = testConfig({
    timeoutMs: TIMEOUT_MS,
    operations: { 'notice.publish': { exchange: { name: exchange, type: 'topic', durable: false }, routingKey: 'notice.{post}' } },
    sources: {},
  }, proxy.url);
  const admin = await directConnection();
  const ch = await admin.createChannel();
  await ch.assertExchange(exchange, 'topic', { durable: false });
  await ch.assertQueue(queue, { durable: false, autoDelete: false });
  await ch.bindQueue(queue, exchange, 'notice.#');
  return {
    createConnector: () => new AmqpConnector(config, { partner: 'peer' }),
    message: () => ({
      messageId: randomUUID(),
      caseReference: 'LIC-PAR-2026-000001',
      partner: 'peer',
      operation: 'notice.publish',
      payload: { post: 'CG-PARIS', holder: { cnie: 'BK123456', birthDate: '1990-04-12' } },
    }),
    holdNextAnswer: async () => { proxy.holdFor(TIMEOUT_MS + 150); },
    oversizeNextAnswer: async () => { proxy.padNextFrame(); },
    close: async () => {
      await ch.deleteQueue(queue);
      await ch.deleteExchange(exchange);
      await admin.close();
      await proxy.close();
    },
  };
});
