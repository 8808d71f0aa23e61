/**
 * The consumer side of one source: a channel with a prefetch, manual acks, and the handler awaited
 * before the ack — a message is acked only after the hub stored it. A channel lost mid-handler leaves
 * the message unacked: the broker delivers it again and the hub's inbox de-duplicates it by message id.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { isHubError } from '../../broker/errors';
import type { ConnectorLogger } from '../_kit/contract';
import type { AmqpSource } from './config-schema';
import { describeFailure } from './amqp-link';
import { declareSource } from './topology';

export interface InboundAmqpMessage {
  source: string;
  /** The sender's message id: the inbox's de-duplication key. */
  messageId: string;
  correlationId?: string;
  /** `x-case-reference` header, when the sender set one. */
  caseReference?: string;
  headers: Record<string, unknown>;
  /** The JSON body, parsed. */
  body: unknown;
  bytes: number;
  /** The broker delivered it before (to us or another consumer) without an ack. */
  redelivered: boolean;
  exchange: string;
  routingKey: string;
}

/**
 * Resolve once the message is stored: it is then acked. Throw a non-retryable `HubError`
 * (VALIDATION_FAILED, MALFORMED_BODY, MAPPING_FAILED…) for a message that will never be readable: it
 * goes to the dead-letter exchange. Any other failure requeues it after `requeueDelayMs`.
 */
export type InboundHandler = (message: InboundAmqpMessage) => Promise<void>;

export interface Consumption {
  readonly source: string;
  /** Stops taking messages; unacked ones go back to the queue. */
  cancel(): Promise<void>;
}

type Verdict = 'ack' | 'dead-letter' | 'requeue';

export interface SourceConsumerDeps {
  maxMessageBytes: number;
  handler: InboundHandler;
  logger: ConnectorLogger;
  partner: string;
  /** The link's connection while it is up. */
  currentConnection(): ChannelModel | undefined;
  onCancel(consumer: SourceConsumer): void;
}

export class SourceConsumer implements Consumption {
  private channel: Channel | undefined;
  private starting = false;
  private stopped = false;
  private readonly delays = new Set<NodeJS.Timeout>();
  private readonly handler: InboundHandler;
  private readonly logger: ConnectorLogger;
  private readonly partner: string;

  constructor(readonly source: string, private readonly settings: AmqpSource, private readonly deps: SourceConsumerDeps) {
    this.handler = deps.handler;
    this.logger = deps.logger;
    this.partner = deps.partner;
  }

  /** (Re)starts on a connection: declares the source's topology and consumes. Called on every reconnect. */
  async start(connection: ChannelModel): Promise<void> {
    if (this.stopped || this.starting) return;
    this.starting = true;
    try {
      await this.open(connection);
    } finally {
      this.starting = false;
    }
  }

  private async open(connection: ChannelModel): Promise<void> {
    const ch = await connection.createChannel();
    ch.on('error', (error: unknown) => {
      this.logger.warn('amqp consumer channel failed', { partner: this.partner, source: this.source, reason: describeFailure(error) });
    });
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.channel = undefined;
      this.restartLater();
    });
    await declareSource(ch, this.settings);
    await ch.prefetch(this.settings.prefetch);
    this.channel = ch;
    await ch.consume(this.settings.queue, (raw) => {
      // null: the broker cancelled the consumer (queue deleted…): a new channel declares the queue again.
      if (raw) void this.deliver(ch, raw);
      else void ch.close().catch(() => undefined);
    }, { noAck: false });
  }

  /**
   * A channel the broker closed while the connection lives on is replaced after a pause. When the whole
   * connection went, the link's reconnect starts the consumer again instead.
   */
  private restartLater(): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.delays.delete(timer);
      const connection = this.deps.currentConnection();
      if (this.stopped || this.channel || !connection) return;
      this.start(connection).catch((error: unknown) => {
        this.logger.warn('amqp consumer could not restart', { partner: this.partner, source: this.source, reason: describeFailure(error) });
        this.restartLater();
      });
    }, Math.max(this.settings.requeueDelayMs, 500));
    this.delays.add(timer);
  }

  async cancel(): Promise<void> {
    this.stopped = true;
    this.deps.onCancel(this);
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
    const ch = this.channel;
    this.channel = undefined;
    await ch?.close().catch(() => undefined);
  }

  private async deliver(ch: Channel, raw: ConsumeMessage): Promise<void> {
    const verdict = await this.judge(raw);
    if (verdict === 'requeue' && this.settings.requeueDelayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.delays.delete(timer); resolve(); }, this.settings.requeueDelayMs);
        this.delays.add(timer);
      });
    }
    // A channel closed meanwhile (lost connection, cancel) cannot ack: the broker has requeued the message.
    if (this.channel !== ch) return;
    try {
      if (verdict === 'ack') ch.ack(raw);
      else ch.nack(raw, false, verdict === 'requeue');
    } catch {
      /* the channel closed between the check and the ack: same as above */
    }
  }

  private async judge(raw: ConsumeMessage): Promise<Verdict> {
    const unreadable = (reason: string): Verdict => {
      this.logger.warn('amqp message dead-lettered', { partner: this.partner, source: this.source, reason });
      return 'dead-letter';
    };
    const messageId = raw.properties.messageId as unknown;
    if (typeof messageId !== 'string' || messageId === '') return unreadable('no message id');
    if (raw.content.length > this.deps.maxMessageBytes) return unreadable(`larger than ${this.deps.maxMessageBytes} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(raw.content.toString('utf8'));
    } catch {
      return unreadable('body is not JSON');
    }
    const headers = (raw.properties.headers ?? {}) as Record<string, unknown>;
    const caseReference = headers['x-case-reference'];
    const correlationId = raw.properties.correlationId as unknown;
    try {
      await this.handler({
        source: this.source,
        messageId,
        correlationId: typeof correlationId === 'string' ? correlationId : undefined,
        caseReference: typeof caseReference === 'string' ? caseReference : undefined,
        headers,
        body,
        bytes: raw.content.length,
        redelivered: raw.fields.redelivered,
        exchange: raw.fields.exchange,
        routingKey: raw.fields.routingKey,
      });
      return 'ack';
    } catch (error) {
      if (isHubError(error) && !error.retryable) return unreadable(`handler refused it (${error.code})`);
      this.logger.warn('amqp handler failed; message requeued', { partner: this.partner, source: this.source, messageId, reason: describeFailure(error) });
      return 'requeue';
    }
  }
}
