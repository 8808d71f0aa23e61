import { fullFormats } from 'ajv-formats/dist/formats';
import { digitsAt, isCanonicalDate, isCanonicalDateTime, lengthCountingOptions } from './formats';
import { CANONICAL_SCHEMAS, compileCanonicalValidators } from './index';

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

describe('the date-time check read with charCodeAt', () => {
  // The previous implementation (a slice and a regex), kept as the reference: the rewrite must accept exactly the same strings.
  const RFC3339_TIME = /^T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;
  const reference = (value: string): boolean => isCanonicalDate(value.slice(0, 10)) && RFC3339_TIME.test(value.slice(10));

  const seeds = ['2026-01-15T09:30:00Z', '2026-01-15t23:59:60.5z', '2024-02-29T00:00:00.123456789+05:30', '2026-12-31T12:00:00-12:59'];
  // Every one-character change, deletion and insertion of each seed: off-by-one slips and truncations included.
  const alphabet = ['0', '1', '2', '3', '5', '6', '9', ':', '-', '+', '.', 'T', 't', 'Z', 'z', ' ', 'x'];
  const variants = new Set<string>(seeds);
  for (const seed of seeds) {
    for (let i = 0; i <= seed.length; i++) {
      variants.add(seed.slice(0, i) + seed.slice(i + 1));
      for (const c of alphabet) {
        variants.add(seed.slice(0, i) + c + seed.slice(i + 1));
        variants.add(seed.slice(0, i) + c + seed.slice(i));
      }
    }
  }

  it('accepts and rejects exactly what the regex did', () => {
    const disagreements = [...variants].filter((v) => isCanonicalDateTime(v) !== reference(v));
    expect(disagreements).toEqual([]);
    // The set is not trivial: it holds both kinds.
    expect([...variants].filter(reference).length).toBeGreaterThan(50);
    expect([...variants].filter((v) => !reference(v)).length).toBeGreaterThan(500);
  });

  it('reads no digit past the end of the string', () => {
    expect(digitsAt('12', 1, 2)).toBe(-1);
    expect(isCanonicalDate('2026-01-1')).toBe(false);
  });
});

describe('string lengths counted as string.length only where that is exact', () => {
  it('is chosen for the canonical schemas, whose only length bounds are minLength 1', () => {
    expect(lengthCountingOptions(Object.values(CANONICAL_SCHEMAS)).unicode).toBe(false);
  });

  it('is not chosen when a schema has a maxLength or a larger minLength anywhere', () => {
    expect(lengthCountingOptions([{ properties: { a: { type: 'string', minLength: 1 } } }]).unicode).toBe(false);
    expect(lengthCountingOptions([{ properties: { a: { type: 'string', maxLength: 35 } } }])).toEqual({});
    expect(lengthCountingOptions([{ $defs: { a: { items: [{ type: 'string', minLength: 2 }] } } }])).toEqual({});
  });

  it('still rejects an empty name and accepts one character outside the BMP', () => {
    const validate = compileCanonicalValidators().person;
    const person = { familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' };
    expect(validate({ ...person, givenNames: '' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/givenNames', keyword: 'minLength' });
    expect(validate({ ...person, givenNames: '𠮷' })).toBe(true);
  });

  it('does not print ajv\'s deprecation warning for the option', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      compileCanonicalValidators();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
