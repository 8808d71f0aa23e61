import type { ConnectorFactory } from '../_kit/contract';
import { AmqpConnector } from './amqp-connector';
import { amqpConfigSchema, type AmqpConnectorConfig } from './config-schema';

export { amqpConfigSchema, type AmqpConnectorConfig, type AmqpOperation, type AmqpSource, type AmqpExchange, type AmqpQueue, type ExchangeType } from './config-schema';
export { AmqpConnector } from './amqp-connector';
export type { InboundAmqpMessage, InboundHandler, Consumption } from './consumer';

export const amqpConnectorFactory: ConnectorFactory<AmqpConnectorConfig> = {
  protocol: 'amqp',
  configSchema: amqpConfigSchema,
  create: (config, deps) => new AmqpConnector(config, deps),
};
