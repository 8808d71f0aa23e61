import type { Knex } from 'knex';
import { claimDueMessages, releaseToPending, type OutboxMessage } from './outbox-store';

/** Names an error without its message: database errors may quote the values (personal data) they refused. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown';
  const code = (err as { code?: unknown }).code;
  return code === undefined ? err.name : `${err.name} (${String(code)})`;
}

const MAX_FAILURE_BACKOFF_MS = 5000;

/** Where claimed messages go: delivered here and now, or handed to durable work queues (AMQP mode). */
export interface Dispatcher {
  readonly claimAs: 'in-flight' | 'queued';
  dispatch(messages: OutboxMessage[]): Promise<void>;
}

export interface RelayOptions {
  db: Knex;
  dispatcher: Dispatcher;
  batchSize: number;
  leaseMs: number;
  pollIntervalMs: number;
  /** Runs after each relay pass: applies partner answers waiting in the inbox. */
  afterPass?: () => Promise<number>;
  log: { error(msg: string, meta?: Record<string, unknown>): void; info(msg: string, meta?: Record<string, unknown>): void };
}

/**
 * The outbox relay: a loop that claims due messages and dispatches them. `poke()` wakes it at once after a
 * commit that wrote to the outbox, so a new request does not wait for the next poll.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private passInProgress: Promise<void> | undefined;
  private pokedDuringPass = false;
  private consecutiveFailures = 0;

  constructor(private readonly opts: RelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.passInProgress;
  }

  poke(): void {
    if (!this.running) return;
    if (this.passInProgress) { this.pokedDuringPass = true; return; }
    this.schedule(0);
  }

  /** One pass, for tests and for the loop: returns how many messages were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await claimDueMessages(this.opts.db, { limit: this.opts.batchSize, leaseMs: this.opts.leaseMs, as: this.opts.dispatcher.claimAs });
    if (claimed.length > 0) {
      try {
        await this.opts.dispatcher.dispatch(claimed);
      } catch (err) {
        // Dispatch failed before the work was handed over (e.g. the queue is down): let them be claimed again.
        await releaseToPending(this.opts.db, claimed.filter((m) => m.status !== 'delivered').map((m) => m.id));
        throw err;
      }
    }
    const applied = this.opts.afterPass ? await this.opts.afterPass() : 0;
    return claimed.length + applied;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.loop(); }, delayMs);
  }

  private loop(): void {
    if (!this.running || this.passInProgress) return;
    this.pokedDuringPass = false;
    this.passInProgress = this.runOnce()
      .then((n) => {
        if (this.consecutiveFailures > 0) this.opts.log.info('outbox relay recovered', { failedPasses: this.consecutiveFailures });
        this.consecutiveFailures = 0;
        return n;
      })
      .catch((err: unknown) => {
        // Say it once, not every poll, while the database or the queue is down; then back off.
        if (this.consecutiveFailures++ === 0) this.opts.log.error('outbox relay pass failed; retrying with backoff', { error: describeError(err) });
        return -1;
      })
      .then((n) => {
        this.passInProgress = undefined;
        if (!this.running) return;
        if (n < 0) return this.schedule(Math.min(this.opts.pollIntervalMs * 2 ** this.consecutiveFailures, MAX_FAILURE_BACKOFF_MS));
        // Busy: go again at once. Idle: wait for the poll period or a poke.
        this.schedule(n > 0 || this.pokedDuringPass ? 0 : this.opts.pollIntervalMs);
      });
  }
}
