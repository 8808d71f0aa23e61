import { isHubError } from '../../broker/errors';
import { TokenBucket, type RateLimiterClock } from './rate-limiter';

/** A clock that only moves when told to: sleeping advances it, so waits are exact and instant. */
function manualClock(): RateLimiterClock & { advance(ms: number): void; slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms) => { slept.push(ms); },
    advance: (ms) => { now += ms; },
    slept,
  };
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then spaces callers at the sustained rate in arrival order', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 3 }, 'GET https://peer/x', clock);
    const waits = Array.from({ length: 6 }, () => bucket.reserve(5000));
    expect(waits).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('refills over time up to the burst, not beyond', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 2 }, 'e', clock);
    bucket.reserve(0);
    bucket.reserve(0);
    clock.advance(10_000);
    expect([bucket.reserve(1000), bucket.reserve(1000), bucket.reserve(1000)]).toEqual([0, 0, 100]);
  });

  it('acquire sleeps for the reserved wait', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ perSecond: 4, burst: 1 }, 'e', clock);
    await bucket.acquire(1000);
    await bucket.acquire(1000);
    expect(clock.slept).toEqual([250]);
  });

  it('fails at once with PARTNER_RATE_LIMITED when the wait would exceed the bound, and takes no token', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, 'GET https://peer/x', clock);
    bucket.reserve(0);
    let caught: unknown;
    try { bucket.reserve(500); } catch (error) { caught = error; }
    expect(isHubError(caught) && caught.code).toBe('PARTNER_RATE_LIMITED');
    expect(isHubError(caught) && caught.retryAfterMs).toBe(1000);
    // The refused caller reserved nothing: the next one waits one interval, not two.
    expect(bucket.reserve(5000)).toBe(1000);
  });

  it('keeps a real burst of 15 under 10 per second', async () => {
    const bucket = new TokenBucket({ perSecond: 10, burst: 5 }, 'e');
    const started = performance.now();
    const at: number[] = [];
    await Promise.all(Array.from({ length: 15 }, async () => { await bucket.acquire(5000); at.push(performance.now() - started); }));
    // 5 at once, then one every 100 ms: the last goes after ~1 s.
    expect(Math.max(...at)).toBeGreaterThanOrEqual(990);
    expect(at.filter((t) => t < 50)).toHaveLength(5);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new TokenBucket({ perSecond: 0, burst: 1 }, 'e')).toThrow(RangeError);
    expect(() => new TokenBucket({ perSecond: 1, burst: 0 }, 'e')).toThrow(RangeError);
  });
});
