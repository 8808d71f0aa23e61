/**
 * AMQP 0-9-1 connector (RabbitMQ). `send` is ONE persistent publish on a confirm channel, resolved only
 * when the broker confirms it; `consume` takes a source's messages with manual acks. The connection
 * comes back by itself after a broker restart (see amqp-link.ts); a publish in flight when it drops is
 * reported as failed, and the outbox retries it with the same message id.
 */
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { HubError, isHubError } from '../../broker/errors';
import { EndpointBreaker } from '../_kit/circuit-breaker';
import { silentLogger, type Connector, type ConnectorDeps, type ConnectorHealth, type ConnectorLogger, type OutboundMessage, type PartnerAnswer } from '../_kit/contract';
import { describeConfigPath } from '../_kit/config-validation';
import { checkOutboundMessage } from '../_kit/outbound-message';
import type { AmqpConnectorConfig, AmqpOperation } from './config-schema';
import { AmqpLink, describeFailure, isFrameError } from './amqp-link';
import { SourceConsumer, type Consumption, type InboundHandler } from './consumer';
import { fillRoutingKey } from './routing-key';
import { declareTopology } from './topology';

/** The schema cannot say "exactly one of exchange or queue" in the subset we use: checked here, at creation. */
function checkOperations(config: AmqpConnectorConfig, where: string): void {
  const errors = Object.entries(config.operations)
    .filter(([, op]) => (op.exchange === undefined) === (op.queue === undefined))
    .map(([name]) => ({ path: describeConfigPath(where, `/operations/${name}`), message: 'needs exactly one of exchange (with routingKey) or queue' }));
  if (errors.length > 0) throw new HubError('CONFIG_INVALID', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

interface InFlight {
  messageId: string;
  returned: boolean;
}

/** AMQP reply-success: the status of a confirmed publish. */
const CONFIRMED = 200;
const REFUSING_CHANNEL_CODES = new Set([403, 406]);

export class AmqpConnector implements Connector {
  readonly protocol = 'amqp';
  readonly partner: string;
  private readonly logger: ConnectorLogger;
  private readonly link: AmqpLink;
  private breaker: EndpointBreaker | undefined;
  private readonly now: (() => number) | undefined;
  private publisher: ConfirmChannel | undefined;
  private publisherError: unknown;
  private openingPublisher: Promise<ConfirmChannel> | undefined;
  private readonly inFlight = new Set<InFlight>();
  private readonly consumers = new Set<SourceConsumer>();
  private started = false;

  constructor(private readonly config: AmqpConnectorConfig, deps: ConnectorDeps) {
    this.partner = deps.partner;
    checkOperations(config, deps.configPath ?? `partners.${deps.partner}.amqp`);
    this.logger = deps.logger ?? silentLogger;
    this.link = new AmqpLink(config, deps.partner, this.logger, {
      onUp: (connection) => this.onUp(connection),
      onDown: () => { this.publisher = undefined; },
    });
    this.now = deps.now;
  }

  async connect(): Promise<void> {
    if (this.started) return;
    await this.link.open();
    if (this.started) return;
    const breaker = new EndpointBreaker(`${this.partner} ${this.link.address}`, this.config.breaker, {
      isEndpointFailure: (error) => isHubError(error) && (error.code === 'PARTNER_TIMEOUT' || error.code === 'PARTNER_UNAVAILABLE'),
      now: this.now,
    });
    breaker.onStateChange((state) => this.logger.warn('amqp circuit breaker', { partner: this.partner, broker: this.link.address, state }));
    this.breaker = breaker;
    this.started = true;
  }

  async close(): Promise<void> {
    this.started = false;
    await Promise.all([...this.consumers].map((c) => c.cancel()));
    await this.link.close();
    this.publisher = undefined;
    this.breaker?.shutdown();
    this.breaker = undefined;
  }

  async health(): Promise<ConnectorHealth> {
    const circuit = this.breaker?.state ?? 'closed';
    const state = this.started ? this.link.state : 'closed';
    const detail = state === 'up' ? `connected to ${this.link.address}` : `${state === 'closed' ? 'not connected' : state} (${this.link.address})`;
    return { ok: state === 'up' && circuit !== 'open', detail: circuit === 'open' ? `${detail}; circuit open` : detail, circuit };
  }

  /** Takes the messages of `sources.<source>` until cancelled; resumes by itself after a reconnect. */
  async consume(source: string, handler: InboundHandler): Promise<Consumption> {
    if (!this.started) throw new HubError('NOT_READY', `${this.partner} amqp: consume before connect`);
    const settings = this.config.sources[source];
    if (!settings) throw new HubError('CONFIG_INVALID', `${this.partner} amqp: no source "${source}" (declared: ${Object.keys(this.config.sources).join(', ') || 'none'})`);
    const consumer = new SourceConsumer(source, settings, {
      maxMessageBytes: this.config.maxMessageBytes, handler, logger: this.logger, partner: this.partner,
      currentConnection: () => this.link.current,
      onCancel: (c) => this.consumers.delete(c),
    });
    this.consumers.add(consumer);
    const connection = this.link.current;
    if (connection) await consumer.start(connection);
    return consumer;
  }

  async send(msg: OutboundMessage): Promise<PartnerAnswer> {
    const breaker = this.breaker;
    if (!this.started || !breaker) throw new HubError('NOT_READY', `${this.partner} amqp: send before connect`);
    checkOutboundMessage(msg, this.partner, Object.keys(this.config.operations));
    const operation = this.config.operations[msg.operation];
    const endpoint = this.endpointOf(operation);
    const context = `${this.partner} ${msg.operation} (${endpoint})`;
    const body = Buffer.from(JSON.stringify(msg.payload), 'utf8');
    if (body.length > this.config.maxMessageBytes) {
      throw new HubError('VALIDATION_FAILED', `${context}: message of ${body.length} bytes is larger than ${this.config.maxMessageBytes}`, { errors: [{ path: '/payload', message: `larger than ${this.config.maxMessageBytes} bytes` }] });
    }
    const [exchange, routingKey] = operation.queue
      ? ['', operation.queue.name]
      : [operation.exchange?.name ?? '', fillRoutingKey(operation.routingKey ?? '', msg.payload, context)];
    return breaker.run(() => this.publishOnce(msg, operation, exchange, routingKey, body, endpoint, context));
  }

  private async publishOnce(msg: OutboundMessage, operation: AmqpOperation, exchange: string, routingKey: string, body: Buffer, endpoint: string, context: string): Promise<PartnerAnswer> {
    const channel = await this.publisherChannel(context);
    const started = Date.now();
    const entry: InFlight = { messageId: msg.messageId, returned: false };
    this.inFlight.add(entry);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new HubError('PARTNER_TIMEOUT', `${context}: no confirm from the broker within ${this.config.timeoutMs} ms`)), this.config.timeoutMs);
        const settle = (error?: HubError): void => { clearTimeout(timer); if (error) reject(error); else resolve(); };
        try {
          channel.publish(exchange, routingKey, body, {
            persistent: true,
            mandatory: operation.mandatory,
            messageId: msg.messageId,
            correlationId: msg.correlationId,
            contentType: 'application/json',
            contentEncoding: 'utf-8',
            timestamp: Math.floor(Date.now() / 1000),
            headers: { 'x-case-reference': msg.caseReference },
          }, (error: unknown) => {
            if (error) settle(this.publishFailure(error, context));
            else if (entry.returned) settle(new HubError('PARTNER_REJECTED', `${context}: unroutable (no queue is bound for it)`));
            else settle();
          });
        } catch (error) {
          settle(this.publishFailure(error, context));
        }
      });
    } finally {
      this.inFlight.delete(entry);
    }
    return { status: CONFIRMED, body: { confirmed: true }, headers: {}, bytes: 0, durationMs: Date.now() - started, endpoint };
  }

  /** Why an unconfirmed publish failed: a nack, a channel the broker closed, a lost connection. */
  private publishFailure(error: unknown, context: string): HubError {
    if (error instanceof Error && error.message === 'message nacked') {
      return new HubError('PARTNER_UNAVAILABLE', `${context}: the broker refused the message (nack)`);
    }
    if (isFrameError(this.link.lastError)) {
      return new HubError('PARTNER_BAD_RESPONSE', `${context}: the broker sent a frame that cannot be read; the connection was dropped`);
    }
    const channelCode = (this.publisherError as { code?: unknown } | undefined)?.code;
    if (typeof channelCode === 'number' && REFUSING_CHANNEL_CODES.has(channelCode)) {
      return new HubError('PARTNER_REJECTED', `${context}: the broker closed the channel (AMQP ${channelCode})`);
    }
    if (typeof channelCode === 'number' && this.link.current) {
      // e.g. 404: an exchange deleted under us; the next channel declares the topology again.
      return new HubError('PARTNER_UNAVAILABLE', `${context}: the broker closed the channel (AMQP ${channelCode})`);
    }
    return new HubError('PARTNER_UNAVAILABLE', `${context}: connection or channel lost before the broker confirmed (${describeFailure(this.link.lastError ?? this.publisherError ?? error)})`);
  }

  private async publisherChannel(context: string): Promise<ConfirmChannel> {
    if (this.publisher) return this.publisher;
    const connection = await this.link.waitUntilUp(this.config.timeoutMs);
    if (!connection) throw new HubError('PARTNER_UNAVAILABLE', `${context}: not connected (${this.link.state})`);
    // The channel may have been closed by the broker while the connection lived on: open a new one
    // (once, however many sends are waiting for it).
    if (this.publisher) return this.publisher;
    this.openingPublisher ??= this.openPublisher(connection).finally(() => { this.openingPublisher = undefined; });
    return this.openingPublisher;
  }

  private async openPublisher(connection: ChannelModel): Promise<ConfirmChannel> {
    const channel = await connection.createConfirmChannel();
    this.publisherError = undefined;
    channel.on('error', (error: unknown) => { this.publisherError = error; });
    channel.on('close', () => { if (this.publisher === channel) this.publisher = undefined; });
    channel.on('return', (returned: ConsumeMessage) => {
      const id = returned.properties.messageId as unknown;
      for (const entry of this.inFlight) {
        if (entry.messageId === id && !entry.returned) { entry.returned = true; break; }
      }
    });
    // Declared on every new channel, not only on a new connection: a 404 that closed the last channel may
    // mean an exchange was deleted under us.
    await declareTopology(channel, this.config);
    this.publisher = channel;
    return channel;
  }

  private async onUp(connection: ChannelModel): Promise<void> {
    await this.openPublisher(connection);
    for (const consumer of this.consumers) await consumer.start(connection);
  }

  private endpointOf(operation: AmqpOperation): string {
    if (operation.queue) return `PUBLISH ${this.link.address} queue ${operation.queue.name}`;
    return `PUBLISH ${this.link.address} exchange ${operation.exchange?.name ?? ''} key ${operation.routingKey ?? ''}`;
  }
}
