import { rabatLocalToUtcIso } from './local-time';

describe('rabatLocalToUtcIso', () => {
  it('reads Rabat local time as UTC+1 outside Ramadan', () => {
    expect(rabatLocalToUtcIso('2026-11-20T10:15:00')).toBe('2026-11-20T09:15:00.000Z');
    expect(rabatLocalToUtcIso('2027-01-01T00:30:00.5')).toBe('2026-12-31T23:30:00.500Z');
  });

  it('reads it as UTC+0 during Ramadan (2026: 15 February to 22 March)', () => {
    expect(rabatLocalToUtcIso('2026-03-01T12:00:00')).toBe('2026-03-01T12:00:00.000Z');
  });

  it('takes the first occurrence of an hour that happens twice, and lands after a skipped hour', () => {
    // 15 February 2026: 03:00 (+1) becomes 02:00 (+0); 02:30 happens at 01:30Z and again at 02:30Z.
    expect(rabatLocalToUtcIso('2026-02-15T02:30:00')).toBe('2026-02-15T01:30:00.000Z');
    // 22 March 2026: 02:00 (+0) becomes 03:00 (+1); 02:30 never happens.
    expect(rabatLocalToUtcIso('2026-03-22T02:30:00')).toBe('2026-03-22T02:30:00.000Z');
    expect(rabatLocalToUtcIso('2026-03-22T03:30:00')).toBe('2026-03-22T02:30:00.000Z');
  });

  it('refuses what is not a local date-time', () => {
    for (const bad of ['2026-11-20T10:15:00Z', '2026-11-20 10:15:00', '2026-02-30T10:00:00', '2026-11-20T24:00:00', '']) {
      expect(() => rabatLocalToUtcIso(bad)).toThrow(RangeError);
    }
  });
});
