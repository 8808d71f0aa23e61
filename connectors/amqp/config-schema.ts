/**
 * Configuration of the AMQP 0-9-1 connector (RabbitMQ): the single source of truth for validation,
 * defaults, secret marks and the option table in README.md (a test keeps the table in step).
 */
import { JSON_SCHEMA_DRAFT_2020_12, type ConfigSchema } from '../_kit/config-schema-types';

export type ExchangeType = 'direct' | 'topic' | 'fanout' | 'headers';

export interface AmqpExchange { name: string; type: ExchangeType; durable: boolean }
export interface AmqpQueue { name: string; durable: boolean }

/** Exactly one of `exchange` (with `routingKey`) or `queue`. */
export interface AmqpOperation {
  exchange?: AmqpExchange;
  /** `{field}` placeholders (dotted payload paths) are filled from the payload. */
  routingKey?: string;
  queue?: AmqpQueue;
  mandatory: boolean;
}

export interface AmqpSource {
  queue: string;
  durable: boolean;
  prefetch: number;
  bindings: { exchange: AmqpExchange; routingKey: string }[];
  deadLetter: { exchange: string; queue: string };
  requeueDelayMs: number;
}

export interface AmqpConnectorConfig {
  url: string;
  username: string;
  password: string;
  heartbeatSeconds: number;
  timeoutMs: number;
  maxMessageBytes: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  breaker: { failureThreshold: number; resetTimeoutMs: number };
  operations: Record<string, AmqpOperation>;
  sources: Record<string, AmqpSource>;
}

const NAME = '^[A-Za-z0-9_.:-]{1,200}$';

const exchangeSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  description: 'Exchange, declared at every (re)connect.',
  properties: {
    name: { type: 'string', pattern: NAME, description: 'Exchange name (not the default exchange: use `queue` for that).' },
    type: { type: 'string', enum: ['direct', 'topic', 'fanout', 'headers'], default: 'topic', description: 'Exchange type.' },
    durable: { type: 'boolean', default: true, description: 'Survives a broker restart.' },
  },
};

export const amqpConfigSchema: ConfigSchema = {
  $schema: JSON_SCHEMA_DRAFT_2020_12,
  $id: 'urn:econsulat:connectors:amqp:config',
  title: 'AMQP connector',
  description: 'A RabbitMQ broker (AMQP 0-9-1): confirmed persistent publishes, and consumers with manual acks.',
  type: 'object',
  additionalProperties: false,
  required: ['url', 'username', 'password'],
  properties: {
    url: {
      type: 'string',
      // No user:password@ in the URL: credentials are their own (secret) settings.
      pattern: '^amqps?://[^/@\\s:]+(:\\d{1,5})?(/[^?#@\\s]*)?$',
      description: 'Broker address and virtual host, e.g. `amqps://mq.partner.example:5671/consulat`, without credentials. Comes from the hub configuration.',
    },
    username: { type: 'string', minLength: 1, secret: true, description: 'Broker user. Comes from the hub configuration.' },
    password: { type: 'string', minLength: 1, secret: true, description: 'Broker password. Comes from the hub configuration.' },
    heartbeatSeconds: { type: 'integer', minimum: 0, default: 15, description: 'AMQP heartbeat: a silent broker is declared lost after about two periods (0 turns it off).' },
    timeoutMs: {
      type: 'integer', minimum: 1, default: 5000,
      description: "Bounds the broker's confirm of one publish, and separately the wait for a connection being re-established.",
    },
    maxMessageBytes: {
      type: 'integer', minimum: 1, default: 1048576,
      description: 'Larger outbound bodies are refused (VALIDATION_FAILED); larger inbound ones are dead-lettered.',
    },
    reconnect: {
      type: 'object', additionalProperties: false, default: {},
      description: 'Reconnection after a lost connection (exponential backoff with jitter).',
      properties: {
        initialDelayMs: { type: 'integer', minimum: 1, default: 500, description: 'First delay.' },
        maxDelayMs: { type: 'integer', minimum: 1, default: 30000, description: 'Largest delay.' },
      },
    },
    breaker: {
      type: 'object', additionalProperties: false, default: {},
      description: 'Circuit breaker for this broker.',
      properties: {
        failureThreshold: { type: 'integer', minimum: 1, default: 5, description: 'Consecutive failures (timeout, lost connection, nack) that open the circuit.' },
        resetTimeoutMs: { type: 'integer', minimum: 1, default: 30000, description: 'Time the circuit stays open before one trial publish is let through.' },
      },
    },
    operations: {
      type: 'object', default: {},
      description: 'Outbound operations by name (the `operation` of an outbound message).',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        description: 'Where one operation publishes: an exchange and a routing key, or a queue.',
        dependentRequired: { exchange: ['routingKey'], routingKey: ['exchange'] },
        properties: {
          exchange: exchangeSchema,
          routingKey: {
            type: 'string', pattern: '^[A-Za-z0-9_.:#*{}-]{0,255}$',
            description: 'Routing key template; `{field}` placeholders (dotted payload paths) are filled from the payload (values of letters, digits, `_`, `-`, `:`).',
          },
          queue: {
            type: 'object', additionalProperties: false, required: ['name'],
            description: 'Queue published to through the default exchange, declared at every (re)connect.',
            properties: {
              name: { type: 'string', pattern: NAME, description: 'Queue name.' },
              durable: { type: 'boolean', default: true, description: 'Survives a broker restart.' },
            },
          },
          mandatory: { type: 'boolean', default: true, description: 'An unroutable message comes back and the send fails with PARTNER_REJECTED.' },
        },
      },
    },
    sources: {
      type: 'object', default: {},
      description: 'Inbound queues by name, for `consume(source, handler)`.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['queue', 'deadLetter'],
        description: 'One inbound queue, its bindings and its dead-letter exchange.',
        properties: {
          queue: { type: 'string', pattern: NAME, description: 'Queue name.' },
          durable: { type: 'boolean', default: true, description: 'Survives a broker restart.' },
          prefetch: { type: 'integer', minimum: 1, default: 10, description: 'Unacknowledged messages the broker hands this consumer at once.' },
          bindings: {
            type: 'array', default: [],
            description: 'Exchanges the queue is bound to.',
            items: {
              type: 'object', additionalProperties: false, required: ['exchange', 'routingKey'],
              properties: {
                exchange: exchangeSchema,
                routingKey: { type: 'string', pattern: '^[A-Za-z0-9_.:#*-]{0,255}$', description: 'Binding key.' },
              },
            },
          },
          deadLetter: {
            type: 'object', additionalProperties: false, required: ['exchange', 'queue'],
            description: 'Where unreadable messages go (nack without requeue): a durable fanout exchange and its durable queue.',
            properties: {
              exchange: { type: 'string', pattern: NAME, description: 'Dead-letter exchange.' },
              queue: { type: 'string', pattern: NAME, description: 'Queue bound to it, kept for an engineer.' },
            },
          },
          requeueDelayMs: { type: 'integer', minimum: 0, default: 1000, description: 'After a transient handler failure, the message is held this long before it is requeued.' },
        },
      },
    },
  },
};
