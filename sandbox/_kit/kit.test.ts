import { FaultPatchError, FaultSwitches } from './faults';
import { SlidingWindowLimiter } from './rate-limit';
import { ReceivedLog } from './received-log';

describe('SlidingWindowLimiter', () => {
  it('admits `limit` requests in any window and tells when the oldest leaves it', () => {
    let now = 10_000;
    const limiter = new SlidingWindowLimiter(3, 1000, () => now);
    for (const t of [10_000, 10_100, 10_200]) {
      now = t;
      expect(limiter.check()).toEqual({ admitted: true });
    }
    now = 10_300;
    expect(limiter.check()).toEqual({ admitted: false, retryAfterSeconds: 1 });
    // Sliding, not fixed: at 11_000 the request of 10_000 has left the window, the others not.
    now = 11_000;
    expect(limiter.check()).toEqual({ admitted: true });
    expect(limiter.check()).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });

  it('rounds Retry-After up to whole seconds and never says 0', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(1, 2500, () => now);
    limiter.check();
    now = 100;
    expect(limiter.check()).toEqual({ admitted: false, retryAfterSeconds: 3 });
    now = 2499;
    expect(limiter.check()).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });
});

describe('FaultSwitches', () => {
  it('uses up counts and keeps "always"', () => {
    const faults = new FaultSwitches();
    faults.set({ fail503: 2, timeout: 'always', fail429: true });
    expect([faults.take('fail503'), faults.take('fail503'), faults.take('fail503')]).toEqual([true, true, false]);
    expect([faults.take('timeout'), faults.take('timeout')]).toEqual([true, true]);
    expect(faults.fail429).toBe('always');
    faults.reset();
    expect(faults.take('timeout')).toBe(false);
  });

  it('rejects a bad patch as a whole', () => {
    const faults = new FaultSwitches();
    expect(() => faults.set({ latencyMs: 100, down: 'yes' })).toThrow(FaultPatchError);
    expect(() => faults.set([1])).toThrow(FaultPatchError);
    expect(faults.latencyMs).toBe(0);
  });
});

describe('ReceivedLog', () => {
  it('counts answers by status and repeated message ids', () => {
    const log = new ReceivedLog();
    const base = { method: 'GET', path: '/x', queryKeys: [], caseReference: null };
    const a = log.record({ ...base, messageId: 'm1' });
    const b = log.record({ ...base, messageId: 'm1' });
    log.record({ ...base, messageId: null });
    log.answered(a, 200);
    log.answered(b, 429, 'rate-limit');
    log.answered(b, 200); // an entry is answered once
    expect(b).toMatchObject({ repeated: true, status: 429, fault: 'rate-limit' });
    expect(log.counts()).toEqual({
      received: 3, answered: 2, unanswered: 1, byStatus: { 200: 1, 429: 1 }, repeatedMessageIds: 1, refusedConnections: 0,
    });
  });
});
