/**
 * Each keyword of the mapping language, through both paths: the value a user relies on (map's result), and the
 * generated function agreeing with the closures on that input (generate-agreement.ts). Then hostile mapping content,
 * which must stay data in the generated source.
 */
import { compileMappingSet, type MappingSet } from '../index';
import { compileCodeTable } from './code-tables';
import { FAILED } from './compile';
import { generateMapping } from './generate';
import { disagreement } from './generate-agreement';
import type { FieldsDefinition } from './types';

const ID = 'test/msg.out';
const anything = {};
const closed = (properties: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', additionalProperties: false, properties });
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:econsulat:partner:test:msg',
  ...closed({
    a: anything, b: anything, c: anything, d: anything,
    values: { type: 'array', items: anything },
    list: { type: 'array', items: closed({ x: anything, y: anything, z: anything }) },
    group: closed({ x: anything, y: anything, inner: closed({ x: anything }) }),
  }),
};
const tables = [
  { name: 'status', origin: 'codes/status.yaml', content: { description: 'test', codes: { OK: 'valid', KO: 'suspended', '1': 'one' } } },
];

function setOf(fields: FieldsDefinition, codeTables = tables): MappingSet {
  return compileMappingSet({
    codeTables,
    mappings: [{ id: ID, origin: 'partners/test/msg.out.yaml', content: { source: 'test', target: 'partner:test/msg', fields } }],
    partnerSchemas: [{ name: 'test/msg', origin: 'partners/test/schemas/msg.schema.json', content: schema }],
  });
}

/** map()'s value (or its errors) for each input, after checking that both paths agree on it. */
function mapBothWays(fields: FieldsDefinition, inputs: unknown[], codeTables = tables): unknown[] {
  const set = setOf(fields, codeTables);
  return inputs.map((input) => {
    const found = disagreement(set, ID, input);
    if (found !== undefined && found !== FAILED) throw new Error(`the two paths disagree on ${JSON.stringify(input)}: ${found}`);
    const result = set.find(ID)?.map(input);
    return result?.ok ? result.value : result?.errors;
  });
}

describe('the generated function, keyword by keyword', () => {
  it('from: leaves out absent and null values, reads keys only from objects and lists, indices only from lists', () => {
    expect(mapBothWays({ a: { from: 'p.q' }, b: { from: 'l[1].v' }, c: { from: 'name.length' }, d: { from: 'l.length' } }, [
      { p: { q: 'Q' }, l: [{ v: 0 }, { v: 1 }], name: 'abc' },
      { p: { q: null }, l: { 1: { v: 1 } } },
      { p: 'text' },
      null,
    ])).toEqual([
      // `length` of a string is not a field of the message; of a list, it is what a key read on a list gives.
      { a: 'Q', b: 1, d: 2 },
      {},
      {},
      {},
    ]);
  });

  it('fields: dotted keys and scoped groups, with $. root paths, left out when empty', () => {
    expect(mapBothWays({ 'group.x': { from: 'x' }, 'group.inner.x': { from: 'y' } }, [{ x: 1, y: 2 }, { y: 2 }, {}])).toEqual([
      { group: { x: 1, inner: { x: 2 } } },
      { group: { inner: { x: 2 } } },
      {},
    ]);
    const fields: FieldsDefinition = { group: { from: 'g', fields: { x: { from: 'x' }, 'inner.x': { from: '$.top' } } } };
    expect(mapBothWays(fields, [{ g: { x: 1 }, top: 'T' }, { g: {}, top: 'T' }, { top: 'T' }, { g: null }, { g: 'text' }])).toEqual([
      { group: { x: 1, inner: { x: 'T' } } },
      { group: { inner: { x: 'T' } } },
      {},
      {},
      {}, // a scope that is not an object has no fields
    ]);
  });

  it('each: one element per source element, {} for one that yields nothing, an error for a non-list', () => {
    const fields: FieldsDefinition = { list: { each: 'items', fields: { x: { from: 'n' }, y: { from: '$.top' }, z: { from: 'code', code: 'status' } } } };
    expect(mapBothWays(fields, [
      { items: [{ n: 1, code: 'OK' }, {}, { n: 3 }], top: 'T' },
      { items: [] },
      { items: null },
      { items: { n: 1 } },
      { items: [{ code: 'NO' }, { code: 'KO' }, { code: 'MAYBE' }] },
    ])).toEqual([
      { list: [{ x: 1, y: 'T', z: 'valid' }, { y: 'T' }, { x: 3, y: 'T' }] },
      { list: [] },
      {},
      [{ path: '/list', source: 'items', message: 'must be a list' }],
      [
        { path: '/list/0/z', source: 'items[0].code', message: 'unknown code "NO" in code table status' },
        { path: '/list/2/z', source: 'items[2].code', message: 'unknown code "MAYBE" in code table status' },
      ],
    ]);
  });

  it('[] paths: one value per element, a single value as a list of one, a missing element an error', () => {
    const fields: FieldsDefinition = { values: { from: 'r[].code', default: ['none'] } };
    expect(mapBothWays(fields, [
      { r: [{ code: 'A' }, { code: 'B' }] },
      { r: { code: 'A' } },
      { r: [] },
      {},
      { r: null },
      { r: [{ code: 'A' }, {}] },
    ])).toEqual([
      { values: ['A', 'B'] },
      { values: ['A'] },
      { values: [] },
      { values: ['none'] },
      { values: ['none'] },
      [{ path: '/values/1', source: 'r[1].code', message: 'is missing' }],
    ]);
    expect(mapBothWays({ values: { from: 'r[]', code: 'status' } }, [{ r: ['OK', 'KO'] }, { r: 'OK' }, { r: ['OK', 'NO'] }])).toEqual([
      { values: ['valid', 'suspended'] },
      { values: ['valid'] },
      [{ path: '/values/1', source: 'r[1]', message: 'unknown code "NO" in code table status' }],
    ]);
  });

  it('alternatives and when lists: the first that holds and yields; a failed conversion stops the search', () => {
    const fields: FieldsDefinition = {
      a: [
        { when: { path: 'kind', equals: 'a' }, from: 'a' },
        { when: [{ path: 'kind', in: ['a', 'b', 2] }, { path: 'b', exists: true }], from: 'b' },
        { when: [{ path: 'kind', notEquals: 'z' }, { path: 'c', exists: false }], from: 's', code: 'status' },
        { const: 'fallback' },
      ],
    };
    expect(mapBothWays(fields, [
      { kind: 'a', a: 'A' },
      { kind: 'a', b: 'B' },
      { kind: 2, b: 'B' },
      { kind: 'c', s: 'OK' },
      { kind: 'c', s: 'NO' },
      { kind: 'c', s: 'OK', c: 1 },
      { kind: 'z' },
    ])).toEqual([
      { a: 'A' },
      { a: 'B' },
      { a: 'B' },
      { a: 'valid' },
      [{ path: '/a', source: 's', message: 'unknown code "NO" in code table status' }],
      { a: 'fallback' },
      { a: 'fallback' },
    ]);
  });

  it('const and default: null kept, objects and lists copied for each output', () => {
    const fields: FieldsDefinition = { a: { const: null }, b: { from: 'b', default: { k: [1] } }, c: { from: 'c', default: [] }, d: { const: 0 } };
    const [first, second] = mapBothWays(fields, [{}, {}]) as Array<Record<string, unknown>>;
    expect(first).toEqual({ a: null, b: { k: [1] }, c: [], d: 0 });
    expect(first.b).not.toBe(second.b);
    expect(first.c).not.toBe(second.c);
    expect(mapBothWays(fields, [{ b: 'B', c: ['x'] }])).toEqual([{ a: null, b: 'B', c: ['x'], d: 0 }]);
  });

  it('code and reverse code: numbers read as codes, values back to their code', () => {
    expect(mapBothWays({ a: { from: 's', code: 'status' }, b: { from: 'v', code: 'status', reverse: true } }, [
      { s: 1, v: 'suspended' },
      { s: 'KO', v: 'one' },
      { s: true },
      { v: 'unknown' },
      { v: 3 },
    ])).toEqual([
      { a: 'one', b: 'KO' },
      { a: 'suspended', b: '1' },
      [{ path: '/a', source: 's', message: 'must be a code (string) of table status' }],
      [{ path: '/b', source: 'v', message: 'no code for the value "unknown" in code table status' }],
      [{ path: '/b', source: 'v', message: 'must be a value (string) of code table status' }],
    ]);
  });

  it('join and case: present parts joined, the default not put in case, a part that is not text an error', () => {
    const fields: FieldsDefinition = { a: { join: ['f', 'g', 'h'], separator: ', ', case: 'upper', default: 'none' }, b: { from: 'f', case: 'lower' } };
    expect(mapBothWays(fields, [
      { f: 'Amina', g: '', h: 12 },
      {},
      { g: 'x', h: { no: 1 } },
      { f: ['A'] },
    ])).toEqual([
      { a: 'AMINA, 12', b: 'amina' },
      { a: 'none' },
      [{ path: '/a', source: 'h', message: 'must be text or a number to be joined' }],
      [
        { path: '/a', source: 'f', message: 'must be text or a number to be joined' },
        { path: '/b', source: 'f', message: 'must be text to be put in lower case' },
      ],
    ]);
  });

  it('number: integers, and digits as text, nothing else', () => {
    expect(mapBothWays({ a: { from: 'n', number: 'integer' } }, [{ n: ' 2026 ' }, { n: -3 }, { n: '1e3' }, { n: 1.5 }, { n: '9007199254740993' }])).toEqual([
      { a: 2026 },
      { a: -3 },
      [{ path: '/a', source: 'n', message: 'is not an integer' }],
      [{ path: '/a', source: 'n', message: 'is not an integer' }],
      [{ path: '/a', source: 'n', message: 'is not an integer' }],
    ]);
  });

  it('date conversions and outbound formats, with time zones', () => {
    const fields: FieldsDefinition = {
      a: { from: 'd', date: 'dd/MM/yyyy' },
      b: { from: 't', date: 'iso-date-time' },
      c: { from: 't', format: 'local-date-time', timeZone: 'Africa/Casablanca' },
      d: { from: 't', format: 'dd/MM/yyyy HH:mm', timeZone: 'Europe/Paris' },
      values: { from: 'days[]', format: 'yyyyMMdd' },
    };
    expect(mapBothWays(fields, [
      { d: '12/04/1990', t: '2026-07-15T10:30:00Z', days: ['2024-02-29'] },
      { d: '31/04/1990' },
      { t: '2026-01-15T10:30:00' },
      { days: ['2023-02-29'] },
    ])).toEqual([
      { a: '1990-04-12', b: '2026-07-15T10:30:00.000Z', c: '2026-07-15T11:30:00', d: '15/07/2026 12:30', values: ['20240229'] },
      [{ path: '/a', source: 'd', message: 'is not a valid date in format dd/MM/yyyy' }],
      [
        { path: '/b', source: 't', message: 'is not a valid date in format iso-date-time' },
        { path: '/c', source: 't', message: 'is not a canonical date-time (RFC 3339 with an offset)' },
        { path: '/d', source: 't', message: 'is not a canonical date-time (RFC 3339 with an offset)' },
      ],
      [{ path: '/values/0', source: 'days[0]', message: 'is not a canonical date (yyyy-MM-dd)' }],
    ]);
  });
});

describe('generated code treats mapping content as data', () => {
  const HOSTILE = [
    // No dots: in a field name a dot nests (holder.familyName).
    '"); globalThis["hostileRan"] = true; ("',
    "'; globalThis['hostileRan'] = true; '",
    '`${globalThis["hostileRan"] = true}`',
    '*/ globalThis["hostileRan"] = true; /*',
    '\n globalThis["hostileRan"] = true; //\u2028\u2029\\',
  ];
  afterEach(() => {
    expect((globalThis as Record<string, unknown>).hostileRan).toBeUndefined();
  });

  it.each(HOSTILE)('a field name, constant, condition, separator and code table entry %j', (hostile) => {
    const table = compileCodeTable('t', { description: 'test', codes: { [hostile]: hostile } });
    const generated = generateMapping({
      [hostile]: [{ when: { path: 'k', equals: hostile }, const: hostile }, { const: { [hostile]: [hostile] } }],
      joined: { join: ['k', 'k'], separator: hostile },
      coded: { from: 'c', code: 't' },
      listed: { when: { path: 'k', in: [hostile] }, from: 'k' },
    }, new Map([['t', table]]));
    expect(generated.run({ k: hostile, c: hostile })).toEqual({ [hostile]: hostile, joined: `${hostile}${hostile}${hostile}`, coded: hostile, listed: hostile });
    expect(generated.run({ k: 'other' })).toEqual({ [hostile]: { [hostile]: [hostile] }, joined: `other${hostile}other` });
  });

  it('refuses a source path that is not a path, before any code runs', () => {
    expect(() => generateMapping({ a: { from: '"]; globalThis["hostileRan"] = true; ["' } }, new Map())).toThrow(/invalid path/);
  });

  it('keeps hostile text in a mapping file as data through the whole set, as the hub loads it', () => {
    const hostile = HOSTILE[0];
    const fields: FieldsDefinition = { a: [{ when: { path: 'k', equals: hostile }, const: hostile }, { from: 'k', default: hostile }], b: { join: ['k', 'k'], separator: hostile } };
    expect(mapBothWays(fields, [{ k: hostile }, {}])).toEqual([{ a: hostile, b: `${hostile}${hostile}${hostile}` }, { a: hostile }]);
  });
});
