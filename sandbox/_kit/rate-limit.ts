/**
 * Sliding-window rate limit, as the agencies state theirs ("at most N requests per second"):
 * a request is admitted if fewer than `limit` requests were admitted in the `windowMs` before it.
 * Refused requests do not use up the allowance, so a client that backs off as told gets in.
 */
export type RateDecision = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export class SlidingWindowLimiter {
  private admitted: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  check(): RateDecision {
    const now = this.now();
    while (this.admitted.length > 0 && this.admitted[0] <= now - this.windowMs) this.admitted.shift();
    if (this.admitted.length < this.limit) {
      this.admitted.push(now);
      return { admitted: true };
    }
    // The oldest admitted request leaves the window first; `Retry-After` is whole seconds, rounded up.
    const waitMs = this.admitted[0] + this.windowMs - now;
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  reset(): void {
    this.admitted = [];
  }
}
