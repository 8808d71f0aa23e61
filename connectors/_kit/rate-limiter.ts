/**
 * A token bucket per partner endpoint. A caller over the rate waits for its token rather than fails:
 * the partner would answer 429 anyway, and waiting here costs the partner nothing. The wait is bounded
 * (by the send timeout): a caller that would wait longer gets PARTNER_RATE_LIMITED with the time to come back.
 *
 * Tokens are reserved on arrival (the balance may go negative), so callers are served in arrival order.
 * The bucket is per process: in a cluster each node has its own, so the configured rate is per node.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { HubError } from '../../broker/errors';

export interface RateLimit {
  /** Sustained rate. */
  perSecond: number;
  /** Tokens available at once after an idle spell. */
  burst: number;
}

export interface RateLimiterClock {
  /** Monotonic time in ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RateLimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => sleepFor(ms),
};

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limit: RateLimit,
    /** Used in the error message when a caller would wait too long. */
    private readonly endpoint: string,
    private readonly clock: RateLimiterClock = realClock,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError('rate limit needs perSecond > 0 and burst >= 1');
    this.tokens = limit.burst;
    this.refilledAt = clock.now();
  }

  /** Waits for a token; throws PARTNER_RATE_LIMITED at once if the wait would exceed `maxWaitMs`. */
  async acquire(maxWaitMs: number): Promise<void> {
    const waitMs = this.reserve(maxWaitMs);
    if (waitMs > 0) await this.clock.sleep(waitMs);
  }

  /** Takes a token now and says how long its holder must wait; takes nothing if that exceeds `maxWaitMs`. */
  reserve(maxWaitMs: number): number {
    this.refill();
    const waitMs = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000);
    if (waitMs > maxWaitMs) {
      throw new HubError('PARTNER_RATE_LIMITED', `${this.endpoint}: local rate limit (${this.limit.perSecond}/s) would delay this call ${waitMs} ms, more than the ${maxWaitMs} ms allowed`, { retryAfterMs: waitMs });
    }
    this.tokens -= 1;
    return waitMs;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = now - this.refilledAt;
    this.refilledAt = now;
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed / 1000) * this.limit.perSecond);
  }
}
