/**
 * When to try a failed partner message again. The connector makes one attempt; the outbox relay,
 * which persists attempts, asks this module how long to wait and when to give up.
 */
import type { ConfigSchema } from './config-schema-types';

export type Jitter = 'full' | 'equal' | 'none';

export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Cap of the exponential delay, before jitter. */
  maxMs: number;
  /** Growth per attempt (2 doubles the delay each time). */
  factor: number;
  /**
   * `full`: uniform in [0, d] (spreads a thundering herd best); `equal`: uniform in [d/2, d]
   * (never retries immediately); `none`: exactly d (predictable, for tests and one-off tools).
   */
  jitter: Jitter;
}

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all (the first one included) before the message goes to dead letters. */
  maxAttempts: number;
}

/**
 * Delay before the next attempt, after `attempt` attempts (1-based) have failed.
 * A partner's Retry-After is a floor: we never come back sooner than it asked, even above `maxMs`.
 */
export function nextRetryDelayMs(attempt: number, policy: BackoffPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  const exponential = Math.min(policy.maxMs, policy.baseMs * Math.pow(policy.factor, attempt - 1));
  let delay: number;
  switch (policy.jitter) {
    case 'full': delay = random() * exponential; break;
    case 'equal': delay = exponential / 2 + random() * (exponential / 2); break;
    case 'none': delay = exponential; break;
  }
  const floor = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
  return Math.round(Math.max(delay, floor));
}

/** True when `attempt` attempts have been made and none may follow. */
export function shouldDeadLetter(attempt: number, maxAttempts: number): boolean {
  return attempt >= maxAttempts;
}

/** Schema of a retry policy in the hub configuration (for the outbox relay's config). */
export const retryPolicySchema: ConfigSchema = {
  type: 'object',
  description: 'How the outbox relay retries a partner message after a retryable failure.',
  additionalProperties: false,
  properties: {
    baseMs: { type: 'integer', minimum: 1, default: 1000, description: 'Delay before the first retry, in ms, before jitter.' },
    maxMs: { type: 'integer', minimum: 1, default: 300000, description: 'Cap of the exponential delay, in ms, before jitter.' },
    factor: { type: 'number', minimum: 1, default: 2, description: 'Growth of the delay per attempt.' },
    jitter: { type: 'string', enum: ['full', 'equal', 'none'], default: 'full', description: 'How the delay is randomised.' },
    maxAttempts: { type: 'integer', minimum: 1, default: 10, description: 'Attempts in all before the message goes to dead letters.' },
  },
};
