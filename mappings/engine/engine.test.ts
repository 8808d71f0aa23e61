import { compileMappingSet, MappingDefinitionError, type MappingSet } from '../index';
import { DATE_CONVERSIONS } from './dates';
import type { MappingDefinition } from './types';

const statusTable = { name: 'status', origin: 'codes/status.yaml', content: { description: 'test', codes: { OK: 'valid', KO: 'suspended' } } };

function setWith(fields: MappingDefinition['fields'], target = 'person'): MappingSet {
  return compileMappingSet({ codeTables: [statusTable], mappings: [{ id: 't/x.in', origin: 'x.in.yaml', content: { source: 'test', target, fields } }] });
}

function problemsOf(fields: unknown, target = 'person'): string[] {
  try {
    compileMappingSet({ codeTables: [statusTable], mappings: [{ id: 't/x.in', origin: 'x.in.yaml', content: { source: 'test', target, fields } }] });
  } catch (error) {
    if (error instanceof MappingDefinitionError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const person = { familyName: { const: 'X' }, givenNames: { const: 'Y' }, birthDate: { const: '2000-01-01' } };

describe('mapping rules', () => {
  it('reads dotted paths, index paths and root paths inside a scoped group', () => {
    const mapping = setWith({
      ...person,
      familyName: { from: 'names[0].family' },
      identifiers: { from: 'ids', fields: { cnie: { from: 'cnie' }, drivingLicence: { from: '$.licence.number' } } },
    }).get('t/x.in', 'person');
    expect(mapping.map({ names: [{ family: 'EL FASSI' }], ids: { cnie: 'BK123456' }, licence: { number: '12/345678' } })).toEqual({
      ok: true,
      value: { familyName: 'EL FASSI', givenNames: 'Y', birthDate: '2000-01-01', identifiers: { cnie: 'BK123456', drivingLicence: '12/345678' } },
    });
  });

  it('leaves out absent and null values, and objects that end up empty', () => {
    const mapping = setWith({ ...person, familyNameAr: { from: 'ar' }, 'identifiers.cnie': { from: 'cnie' } }).get('t/x.in', 'person');
    expect(mapping.map({ ar: null })).toEqual({ ok: true, value: { familyName: 'X', givenNames: 'Y', birthDate: '2000-01-01' } });
  });

  it('takes the first alternative whose condition holds and that yields a value', () => {
    const mapping = setWith({
      ...person,
      familyName: [
        { when: { path: 'kind', equals: 'a' }, from: 'a' },
        { when: [{ path: 'kind', in: ['a', 'b'] }, { path: 'b', exists: true }], from: 'b' },
        { when: { path: 'kind', notEquals: 'z' }, const: 'fallback' },
      ],
    }).get('t/x.in', 'person');
    const family = (input: unknown): unknown => { const r = mapping.map(input); return r.ok ? r.value.familyName : r.errors; };
    expect(family({ kind: 'a', a: 'A' })).toBe('A');
    expect(family({ kind: 'a', b: 'B' })).toBe('B'); // `a` absent: falls through
    expect(family({ kind: 'c', b: 'B' })).toBe('fallback');
    expect(family({ kind: 'z' })).toEqual([{ path: '/familyName', message: 'is required' }]);
  });

  it('does not fall through past an alternative whose conversion failed', () => {
    const mapping = setWith({ ...person, familyName: [{ from: 'status', code: 'status' }, { const: 'never' }] }).get('t/x.in', 'person');
    expect(mapping.map({ status: 'MAYBE' })).toEqual({ ok: false, errors: [{ path: '/familyName', source: 'status', message: 'unknown code "MAYBE" in code table status' }] });
  });

  it('never treats object properties as codes', () => {
    const mapping = setWith({ ...person, familyName: { from: 'status', code: 'status' } }).get('t/x.in', 'person');
    for (const code of ['constructor', '__proto__', 'toString']) {
      expect(mapping.map({ status: code }).ok).toBe(false);
    }
  });

  it('converts ISO date-times to UTC', () => {
    const set = compileMappingSet({
      codeTables: [{ name: 'cat', origin: 'codes/cat.yaml', content: { description: 'test', codes: { B: 'B', C: 'C' } } }],
      mappings: [{ id: 't/l.in', origin: 'l.in.yaml', content: {
        source: 'test', target: 'licence-verification', fields: {
          licenceNumber: { const: 'N' }, outcome: { const: 'not-found' }, verifiedAt: { from: 'at', date: 'iso-date-time' },
        } } }],
    });
    expect(set.get('t/l.in', 'licence-verification').map({ at: '2026-01-15T10:30:00+01:00' })).toEqual({
      ok: true, value: { licenceNumber: 'N', outcome: 'not-found', verifiedAt: '2026-01-15T09:30:00.000Z' },
    });
  });

  it('gives each use of a default or const its own copy', () => {
    const set = compileMappingSet({ codeTables: [], mappings: [{ id: 't/l.in', origin: 'l.in.yaml', content: {
      source: 'test', target: 'licence-verification', fields: {
        licenceNumber: { const: 'N' }, outcome: { const: 'valid' }, issuedOn: { const: '2020-01-01' }, expiresOn: { const: '2030-01-01' },
        issuingCentre: { const: 'Rabat' }, holder: { const: { familyName: 'X', givenNames: 'Y', birthDate: '2000-01-01' } },
        categories: { each: 'cats', fields: { code: { from: 'code' }, obtainedOn: { from: 'on' }, restrictions: { from: 'r', default: [] } } },
      } } }] });
    const mapping = set.get('t/l.in', 'licence-verification');
    const first = mapping.mapOrThrow({ cats: [{ code: 'B', on: '2001-01-01' }] });
    first.categories?.[0].restrictions.push('01');
    (first.holder as { familyName: string }).familyName = 'changed';
    const second = mapping.mapOrThrow({ cats: [{ code: 'B', on: '2001-01-01' }] });
    expect(second.categories?.[0].restrictions).toEqual([]);
    expect(second.holder?.familyName).toBe('X');
  });

  it('reports a spread list element that is missing, with its index', () => {
    const set = compileMappingSet({ codeTables: [statusTable], mappings: [{ id: 't/l.in', origin: 'l.in.yaml', content: {
      source: 'test', target: 'licence-verification', fields: {
        licenceNumber: { const: 'N' }, outcome: { const: 'valid' }, issuedOn: { const: '2020-01-01' }, expiresOn: { const: '2030-01-01' },
        issuingCentre: { const: 'Rabat' }, holder: { const: { familyName: 'X', givenNames: 'Y', birthDate: '2000-01-01' } },
        categories: { each: 'cats', fields: { code: { const: 'B' }, obtainedOn: { const: '2001-01-01' }, restrictions: { from: '$.r[].code' } } },
      } } }] });
    const result = set.get('t/l.in', 'licence-verification').map({ cats: [{}], r: [{ code: '01' }, {}] });
    expect(result).toEqual({ ok: false, errors: [{ path: '/categories/0/restrictions/1', source: 'r[1].code', message: 'is missing' }] });
  });

  it('throws HubError MAPPING_FAILED with the field errors from mapOrThrow', () => {
    const mapping = setWith(person).get('t/x.in', 'person');
    expect(() => setWith({ ...person, birthDate: { from: 'd', date: 'dd/MM/yyyy' } }).get('t/x.in', 'person').mapOrThrow({ d: '31/02/1990' }))
      .toThrow(expect.objectContaining({ code: 'MAPPING_FAILED', errors: [{ path: '/birthDate', source: 'd', message: 'is not a valid date in format dd/MM/yyyy' }] }));
    expect(mapping.mapOrThrow({})).toEqual({ familyName: 'X', givenNames: 'Y', birthDate: '2000-01-01' });
  });

  it('refuses to hand a mapping out as another target', () => {
    expect(() => setWith(person).get('t/x.in', 'licence-verification')).toThrow(/produces person/);
    expect(() => setWith(person).get('t/nope.in', 'person')).toThrow(/no mapping t\/nope.in/);
  });
});

describe('mapping definitions are checked at load, all problems at once', () => {
  it('checks the file format first: misspelt keywords, unknown date formats', () => {
    expect(problemsOf({ ...person, familyName: { frm: 'x' }, birthDate: { from: 'x', date: 'MM/dd/yyyy' } })).toEqual([
      '/fields/familyName: must NOT have additional properties (frm)',
      '/fields/birthDate/date: must be equal to one of the allowed values (yyyy-MM-dd, dd/MM/yyyy, yyyyMMdd, iso-date-time)',
    ]);
  });

  it('then unknown tables, target fields, paths and bad combinations', () => {
    expect(problemsOf({
      ...person,
      givenNames: { from: 'x', code: 'nope' },
      nickname: { from: 'x' },
      'identifiers.passport': { from: 'x' },
      familyNameAr: { from: 'x', const: 'y' },
      givenNamesAr: { from: 'a..b' },
      birthDate: { from: 'd', date: 'yyyy-MM-dd', code: 'status' },
      identifiers: { each: 'ids', fields: { cnie: { from: 'c' } } },
    })).toEqual([
      '/fields/givenNames: no code table named nope',
      '/fields/birthDate: a rule takes either code: or date:, not both',
      '/fields/nickname: the target has no field /nickname',
      '/fields/identifiers: "identifiers" has both its own rule and dotted sub-fields: put the sub-fields under its fields:',
      '/fields/familyNameAr: const: cannot be combined with from',
      '/fields/givenNamesAr: invalid path "a..b" (segment "")',
    ]);
  });

  it('checks each: against a list in the target and when: paths', () => {
    expect(problemsOf({ ...person, identifiers: { each: 'ids', fields: { cnie: { from: 'c' } } }, familyName: { when: { path: 'a[].b', exists: true }, from: 'x' } }))
      .toEqual(['/fields/familyName/when: condition path "a[].b" cannot contain []', '/fields/identifiers: each: needs a list in the target, and /identifiers is not one']);
  });

  it('rejects code tables without a description or with labels missing in one language', () => {
    expect(() => compileMappingSet({ codeTables: [{ name: 'c', origin: 'codes/c.yaml', content: { codes: { A: { labels: { fr: 'a', en: 'a' } }, B: { labels: { fr: 'b' } } } } }], mappings: [] }))
      .toThrow(/codes\/c.yaml#\/: must have required property 'description'/);
    expect(() => compileMappingSet({ codeTables: [{ name: 'c', origin: 'codes/c.yaml', content: { description: 'd', codes: { A: { labels: { fr: 'a', en: 'a' } }, B: { labels: { fr: 'b' } } } } }], mappings: [] }))
      .toThrow(/codes\/c.yaml#\/codes\/B\/labels: has no "en" label/);
  });
});

describe('date conversions', () => {
  it.each([
    ['yyyy-MM-dd', '1990-04-12', '1990-04-12'],
    ['yyyy-MM-dd', '1990-02-30', undefined],
    ['yyyy-MM-dd', '1990-4-12', undefined],
    ['yyyy-MM-dd', '2024-02-29', '2024-02-29'],
    ['yyyy-MM-dd', '2023-02-29', undefined],
    ['dd/MM/yyyy', '12/04/1990', '1990-04-12'],
    ['dd/MM/yyyy', '31/04/1990', undefined],
    ['yyyyMMdd', '19900412', '1990-04-12'],
    ['iso-date-time', '2026-01-15T10:30:00+01:00', '2026-01-15T09:30:00.000Z'],
    ['iso-date-time', '2026-01-15T10:30Z', '2026-01-15T10:30:00.000Z'],
    ['iso-date-time', '2026-01-15T10:30:00', undefined], // no offset: the instant is unknown
    ['iso-date-time', '2026-02-30T10:30:00Z', undefined],
    ['iso-date-time', 'Thu, 15 Jan 2026 10:30:00 GMT', undefined],
  ])('%s %s → %s', (format, input, expected) => {
    expect(DATE_CONVERSIONS[format](input)).toBe(expected);
  });
});
