import { nextRetryDelayMs, shouldDeadLetter, type BackoffPolicy } from './retry-policy';

const policy = (jitter: BackoffPolicy['jitter']): BackoffPolicy => ({ baseMs: 100, maxMs: 10_000, factor: 2, jitter });
const always = (value: number) => () => value;

describe('nextRetryDelayMs', () => {
  it('grows exponentially without jitter and stops at maxMs', () => {
    const delays = [1, 2, 3, 4, 8, 20].map((attempt) => nextRetryDelayMs(attempt, policy('none')));
    expect(delays).toEqual([100, 200, 400, 800, 10_000, 10_000]);
  });

  it('full jitter spreads the delay over [0, d]', () => {
    expect(nextRetryDelayMs(3, policy('full'), undefined, always(0))).toBe(0);
    expect(nextRetryDelayMs(3, policy('full'), undefined, always(0.5))).toBe(200);
    expect(nextRetryDelayMs(3, policy('full'), undefined, always(0.999999))).toBe(400);
  });

  it('equal jitter keeps at least half of the delay', () => {
    expect(nextRetryDelayMs(3, policy('equal'), undefined, always(0))).toBe(200);
    expect(nextRetryDelayMs(3, policy('equal'), undefined, always(0.5))).toBe(300);
    expect(nextRetryDelayMs(3, policy('equal'), undefined, always(1))).toBe(400);
  });

  it("treats the partner's Retry-After as a floor, even above maxMs", () => {
    expect(nextRetryDelayMs(1, policy('full'), 5_000, always(0.5))).toBe(5_000);
    expect(nextRetryDelayMs(1, policy('none'), 60_000)).toBe(60_000);
    // A Retry-After shorter than our own backoff does not make us come back sooner.
    expect(nextRetryDelayMs(4, policy('none'), 10)).toBe(800);
  });

  it('ignores a meaningless Retry-After', () => {
    expect(nextRetryDelayMs(2, policy('none'), Number.NaN)).toBe(200);
    expect(nextRetryDelayMs(2, policy('none'), -5)).toBe(200);
  });

  it('does not overflow on a very high attempt number', () => {
    expect(nextRetryDelayMs(5_000, policy('none'))).toBe(10_000);
  });

  it('rejects an attempt number below 1', () => {
    expect(() => nextRetryDelayMs(0, policy('none'))).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1.5, policy('none'))).toThrow(RangeError);
  });
});

describe('shouldDeadLetter', () => {
  it('gives up once maxAttempts attempts have been made', () => {
    expect(shouldDeadLetter(1, 3)).toBe(false);
    expect(shouldDeadLetter(2, 3)).toBe(false);
    expect(shouldDeadLetter(3, 3)).toBe(true);
    expect(shouldDeadLetter(4, 3)).toBe(true);
  });
});
