/**
 * One AMQP connection that comes back by itself. After a broker restart or a lost connection it
 * reconnects with exponential backoff and full jitter, and calls `onUp` again so that the owner
 * re-declares its topology, reopens its confirm channel and resumes its consumers.
 */
import amqp, { type ChannelModel } from 'amqplib';
import { HubError } from '../../broker/errors';
import type { ConnectorLogger } from '../_kit/contract';
import type { AmqpConnectorConfig } from './config-schema';

export type LinkState = 'closed' | 'connecting' | 'up' | 'reconnecting';

export interface LinkHooks {
  /** Called on every (re)connect before the link counts as up; a failure drops the connection. */
  onUp(connection: ChannelModel): Promise<void>;
  /** Called once per lost connection, with the reason (undefined when we closed it). */
  onDown(error: Error | undefined): void;
}

/** The broker address without credentials, for logs, errors and `PartnerAnswer.endpoint`. */
export function publicAddress(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'amqps:' ? '5671' : '5672');
  return `${parsed.protocol}//${parsed.hostname}:${port}${parsed.pathname === '' ? '/' : parsed.pathname}`;
}

/** What went wrong, without the broker's free text (it may name a user) or anything secret. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  const amqpCode = (error as { code?: unknown }).code;
  if (typeof amqpCode === 'number') return `AMQP ${amqpCode}`;
  if (/ACCESS.REFUSED|403/.test(error.message)) return 'access refused (check username and password)';
  if (/frame/i.test(error.message)) return 'unreadable frame from the broker';
  return error.name;
}

export function isFrameError(error: unknown): boolean {
  return error instanceof Error && /(Invalid|Unknown|Unexpected) frame|Frame size/i.test(error.message);
}

export class AmqpLink {
  private connection: ChannelModel | undefined;
  private stateNow: LinkState = 'closed';
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private opening: Promise<void> | undefined;
  private generationNow = 0;
  /** Why the current or last connection failed; set before its channels report their own closing. */
  lastError: Error | undefined;
  readonly address: string;

  constructor(
    private readonly config: AmqpConnectorConfig,
    private readonly partner: string,
    private readonly logger: ConnectorLogger,
    private readonly hooks: LinkHooks,
  ) {
    this.address = publicAddress(config.url);
  }

  get state(): LinkState { return this.stateNow; }
  /** Increases with every connection: work started on an older one must not be acked on a newer one. */
  get generation(): number { return this.generationNow; }
  get current(): ChannelModel | undefined { return this.stateNow === 'up' ? this.connection : undefined; }

  /** First connection: fails with PARTNER_UNAVAILABLE rather than retrying (the caller decides). */
  async open(): Promise<void> {
    if (this.opening) return this.opening;
    if (this.stateNow !== 'closed') return;
    this.stateNow = 'connecting';
    this.opening = this.establish().catch((error: unknown) => {
      this.stateNow = 'closed';
      throw error instanceof HubError ? error
        : new HubError('PARTNER_UNAVAILABLE', `${this.partner} amqp ${this.address}: cannot connect (${describeFailure(error)})`);
    }).finally(() => { this.opening = undefined; });
    return this.opening;
  }

  /** Resolves with the connection once up, or undefined after `ms`. */
  async waitUntilUp(ms: number): Promise<ChannelModel | undefined> {
    if (this.current) return this.current;
    if (this.stateNow === 'closed') return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void { clearTimeout(timer); resolve(); }
      this.waiters.push(done);
    });
    return this.current;
  }

  async close(): Promise<void> {
    const was = this.stateNow;
    this.stateNow = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake();
    const connection = this.connection;
    this.connection = undefined;
    if (connection && was !== 'closed') await connection.close().catch(() => undefined);
  }

  private async establish(): Promise<void> {
    const url = new URL(this.config.url);
    const connection = await amqp.connect({
      protocol: url.protocol.replace(':', ''),
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      vhost: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/',
      username: this.config.username,
      password: this.config.password,
      heartbeat: this.config.heartbeatSeconds,
    });
    let lostReason: Error | undefined;
    connection.on('error', (error: Error) => { lostReason = error; this.lastError = error; });
    connection.on('close', () => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      this.hooks.onDown(lostReason ?? new Error('connection closed'));
      if (this.stateNow === 'closed') return;
      this.logger.warn('amqp connection lost; reconnecting', { partner: this.partner, broker: this.address, reason: describeFailure(lostReason) });
      this.stateNow = 'reconnecting';
      this.scheduleReconnect();
    });
    this.connection = connection;
    this.lastError = undefined;
    try {
      await this.hooks.onUp(connection);
    } catch (error) {
      this.connection = undefined;
      await connection.close().catch(() => undefined);
      throw error;
    }
    if (this.stateNow === 'closed') { await connection.close().catch(() => undefined); return; }
    this.generationNow += 1;
    this.attempt = 0;
    this.stateNow = 'up';
    this.wake();
  }

  private scheduleReconnect(): void {
    if (this.timer || this.stateNow === 'closed') return;
    const { initialDelayMs, maxDelayMs } = this.config.reconnect;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.attempt, 20));
    const delay = Math.max(initialDelayMs / 2, Math.random() * ceiling);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stateNow === 'closed') return;
      this.establish().then(
        () => { if (this.stateNow === 'up') this.logger.info('amqp connection re-established', { partner: this.partner, broker: this.address }); },
        (error: unknown) => {
          this.logger.debug('amqp reconnect failed', { partner: this.partner, broker: this.address, reason: describeFailure(error) });
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
