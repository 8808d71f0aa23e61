import { fullFormats } from 'ajv-formats/dist/formats';
import { isCanonicalDate, isCanonicalDateTime } from './formats';

// Our hand-written checks replace ajv-formats for speed; they must agree with it.
const ajvDate = fullFormats.date as { validate: (value: string) => boolean };
const ajvDateTime = fullFormats['date-time'] as { validate: (value: string) => boolean };

describe('canonical formats agree with ajv-formats (full mode)', () => {
  it.each(['1990-04-12', '2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '1990-4-12', '1990-04-31', '1990-13-01', '1990-00-10', 'abcd-ef-gh', '19900412', ''])(
    'date %j', (value) => expect(isCanonicalDate(value)).toBe(ajvDate.validate(value)));

  it.each(['2026-01-15T09:30:00.000Z', '2026-01-15T09:30:00Z', '2026-01-15T09:30:00+01:00', '2026-01-15t09:30:00z', '2026-01-15T09:30Z',
    '2026-01-15T09:30:00', '2026-02-30T09:30:00Z', '2026-01-15T24:00:00Z', '2026-01-15T09:30:00.123456+05:30'])(
    'date-time %j', (value) => expect(isCanonicalDateTime(value)).toBe(ajvDateTime.validate(value)));

  it('is stricter in one way on purpose: the canonical form separates date and time with T, not a space', () => {
    expect(ajvDateTime.validate('2026-01-15 09:30:00Z')).toBe(true);
    expect(isCanonicalDateTime('2026-01-15 09:30:00Z')).toBe(false);
  });
});
