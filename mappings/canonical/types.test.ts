import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderCanonicalTypes } from './generate-types';
import { CANONICAL_SCHEMAS, compileCanonicalValidators } from './index';

const TYPES_FILE = path.join(__dirname, 'types.ts');

describe('canonical types', () => {
  it('types.ts is what the schemas generate (UPDATE_CANONICAL_TYPES=1 rewrites it)', () => {
    const expected = renderCanonicalTypes(CANONICAL_SCHEMAS);
    if (process.env.UPDATE_CANONICAL_TYPES === '1') writeFileSync(TYPES_FILE, expected);
    const actual = readFileSync(TYPES_FILE, 'utf8');
    expect(actual).toBe(expected);
  });

  it('refuses schema constructs it cannot turn into an exact type', () => {
    const base = { $id: 'https://x.invalid/a.json', title: 'A', type: 'object', additionalProperties: false };
    expect(() => renderCanonicalTypes({ a: { ...base, properties: { b: { oneOf: [{ type: 'string' }] } } } })).toThrow(/oneOf/);
    expect(() => renderCanonicalTypes({ a: { ...base, additionalProperties: true } })).toThrow(/closed/);
    expect(() => renderCanonicalTypes({ a: { ...base, properties: { b: { $ref: 'missing.json' } } } })).toThrow(/unresolvable/);
  });
});

describe('canonical schemas', () => {
  const validators = compileCanonicalValidators();

  it('require the licence data when the licence was found, not otherwise', () => {
    expect(validators['licence-verification']({ licenceNumber: '12/345678', outcome: 'not-found' })).toBe(true);
    expect(validators['licence-verification']({ licenceNumber: '12/345678', outcome: 'valid' })).toBe(false);
    const missing = (validators['licence-verification'].errors ?? []).map((e) => e.params.missingProperty as string);
    expect(missing.sort()).toEqual(['categories', 'expiresOn', 'holder', 'issuedOn', 'issuingCentre']);
  });

  it('forbid licence data when no licence was found', () => {
    const holder = { familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' };
    expect(validators['licence-verification']({ licenceNumber: '12/345678', outcome: 'holder-mismatch', holder })).toBe(false);
  });

  it('check calendar dates', () => {
    expect(validators.person({ familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' })).toBe(true);
    expect(validators.person({ familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-02-30' })).toBe(false);
  });
});
