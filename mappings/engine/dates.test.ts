import { DATE_CONVERSIONS } from './dates';

describe('iso-date-time conversion', () => {
  const convert = DATE_CONVERSIONS['iso-date-time'];

  it('gives the same instant as the platform parser, for offsets, fractions and the last-value memo', () => {
    const samples = [
      '2026-11-27T02:10:00+01:00', '2026-11-27T02:10:00+01:00', '2026-03-29T01:59:59.5-09:30', '2024-02-29T23:00:00Z',
      '1999-12-31T23:59:59.999+14:00', '2026-01-15T10:30+05:45', '2026-06-01T00:00:00.123456-00:00', '2026-11-27T02:10:00+01:00',
    ];
    for (const s of samples) expect([s, convert(s)]).toEqual([s, new Date(Date.parse(s)).toISOString()]);
  });

  it('refuses a date-time without offset or off the calendar', () => {
    expect(convert('2026-11-27T02:10:00')).toBeUndefined();
    expect(convert('2023-02-30T10:00:00Z')).toBeUndefined();
    expect(convert('2026-11-27T02:10:00+01:00')).toBe('2026-11-27T01:10:00.000Z');
  });
});
