/**
 * Declares what the configuration names — exchanges, queues, bindings, dead-letter exchanges — on
 * every (re)connect, so that a broker that lost its non-durable objects, or a new broker, gets them
 * back before anything is published or consumed.
 */
import type { Channel } from 'amqplib';
import type { AmqpConnectorConfig, AmqpExchange, AmqpSource } from './config-schema';

async function declareExchange(ch: Channel, exchange: AmqpExchange): Promise<void> {
  await ch.assertExchange(exchange.name, exchange.type, { durable: exchange.durable });
}

export async function declareSource(ch: Channel, source: AmqpSource): Promise<void> {
  await ch.assertExchange(source.deadLetter.exchange, 'fanout', { durable: true });
  await ch.assertQueue(source.deadLetter.queue, { durable: true });
  await ch.bindQueue(source.deadLetter.queue, source.deadLetter.exchange, '');
  await ch.assertQueue(source.queue, { durable: source.durable, deadLetterExchange: source.deadLetter.exchange });
  for (const binding of source.bindings) {
    await declareExchange(ch, binding.exchange);
    await ch.bindQueue(source.queue, binding.exchange.name, binding.routingKey);
  }
}

export async function declareTopology(ch: Channel, config: AmqpConnectorConfig): Promise<void> {
  for (const operation of Object.values(config.operations)) {
    if (operation.exchange) await declareExchange(ch, operation.exchange);
    if (operation.queue) await ch.assertQueue(operation.queue.name, { durable: operation.queue.durable });
  }
  for (const source of Object.values(config.sources)) await declareSource(ch, source);
}
