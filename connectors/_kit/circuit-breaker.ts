/**
 * A circuit breaker per partner endpoint, on opossum. It opens after `failureThreshold` CONSECUTIVE
 * endpoint failures (timeouts, refused or reset connections, 5xx): a count is easier to reason about
 * for a partner that sends a few calls a minute than a percentage over a rolling window. Answers that
 * prove the endpoint is alive (business answers, rejections, 429) are filtered out with `errorFilter`
 * and reset the count. After `resetTimeoutMs` one trial call goes through (half-open): success closes
 * the circuit, failure opens it for another `resetTimeoutMs`.
 */
import CircuitBreaker from 'opossum';
import { HubError } from '../../broker/errors';
import type { CircuitState } from './contract';

export interface BreakerSettings {
  failureThreshold: number;
  resetTimeoutMs: number;
}

export interface EndpointBreakerOptions {
  /** True when the error says the endpoint itself is failing (it counts towards opening). */
  isEndpointFailure(error: unknown): boolean;
  /** Wall clock in ms, to tell callers when the circuit will let a trial call through. */
  now?: () => number;
}

type Task = () => Promise<unknown>;

export class EndpointBreaker {
  private readonly breaker: CircuitBreaker<[Task], unknown>;
  private consecutiveFailures = 0;
  private openedAt = 0;
  private readonly now: () => number;

  constructor(
    readonly endpoint: string,
    private readonly settings: BreakerSettings,
    options: EndpointBreakerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.breaker = new CircuitBreaker<[Task], unknown>((task) => task(), {
      name: endpoint,
      // The connector enforces its own timeout and aborts the request; a second timer here would not.
      timeout: false,
      resetTimeout: settings.resetTimeoutMs,
      // The percentage rule can never fire (a rate is never > 100): our consecutive count decides.
      errorThresholdPercentage: 100,
      errorFilter: (error: unknown) => !options.isEndpointFailure(error),
      enableSnapshots: false,
    });
    this.breaker.on('failure', () => {
      this.consecutiveFailures += 1;
      if (this.breaker.closed && this.consecutiveFailures >= this.settings.failureThreshold) this.breaker.open();
    });
    this.breaker.on('success', () => { this.consecutiveFailures = 0; });
    this.breaker.on('open', () => { this.openedAt = this.now(); });
    this.breaker.on('close', () => { this.consecutiveFailures = 0; });
  }

  get state(): CircuitState {
    if (this.breaker.halfOpen) return 'half-open';
    return this.breaker.opened ? 'open' : 'closed';
  }

  /** Milliseconds until a trial call may go through (0 when closed). */
  retryAfterMs(): number {
    if (this.state === 'closed') return 0;
    // Half-open with its one trial in flight: the trial settles within a send timeout; come back soon.
    if (this.state === 'half-open') return Math.min(this.settings.resetTimeoutMs, 1000);
    return Math.max(0, this.openedAt + this.settings.resetTimeoutMs - this.now());
  }

  /** Called on every transition, e.g. to log it: an opening circuit is what an operator wants to see. */
  onStateChange(listener: (state: CircuitState) => void): void {
    this.breaker.on('open', () => listener('open'));
    this.breaker.on('halfOpen', () => listener('half-open'));
    this.breaker.on('close', () => listener('closed'));
  }

  /** Runs `task` through the breaker; rejects with PARTNER_CIRCUIT_OPEN without running it when open. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    try {
      // opossum types the result as the breaker's TR (unknown); it is what `task` resolved with.
      return (await this.breaker.fire(task)) as T;
    } catch (error) {
      if (isOpenBreakerError(error)) {
        throw new HubError('PARTNER_CIRCUIT_OPEN', `${this.endpoint}: circuit open after ${this.settings.failureThreshold} consecutive failures`, { retryAfterMs: this.retryAfterMs() });
      }
      throw error;
    }
  }

  /** Stops opossum's timers; the breaker refuses every call afterwards. */
  shutdown(): void {
    this.breaker.shutdown();
  }
}

function isOpenBreakerError(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EOPENBREAKER';
}
