import { compileMappingSet, MappingDefinitionError, type MappingSources } from '../index';
import type { CompiledMapping } from './mapping-set';
import type { MappingDefinition } from './types';

/** Outbound mappings: canonical → a partner message, validated against the partner's closed schema. */

const statusTable = { name: 'status', origin: 'codes/status.yaml', content: { description: 'test', codes: { OK: 'valid', KO: 'suspended' } } };
const sharedTable = { name: 'shared', origin: 'codes/shared.yaml', content: { description: 'two codes, one value', codes: { V1: 'valid', V2: 'valid' } } };

const requestSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:econsulat:partner:agency:request',
  type: 'object',
  additionalProperties: false,
  required: ['numero'],
  properties: {
    numero: { type: 'string', minLength: 1 },
    nom: { type: 'string' },
    naissance: { type: 'string' },
    horodatage: { type: 'string' },
    statut: { type: 'string' },
    categories: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { code: { type: 'string' } } } },
  },
};

function sources(definition: Partial<MappingDefinition>, schemaContent: unknown = requestSchema, id = 'agency/request.out'): MappingSources {
  return {
    codeTables: [statusTable, sharedTable],
    mappings: [{ id, origin: 'partners/agency/request.out.yaml', content: { source: 'test', target: 'partner:agency/request', ...definition } }],
    partnerSchemas: [{ name: 'agency/request', origin: 'partners/agency/schemas/request.schema.json', content: schemaContent }],
  };
}

function outbound(fields: MappingDefinition['fields'], extra: Partial<MappingDefinition> = {}): CompiledMapping<unknown> {
  const mapping = compileMappingSet(sources({ fields, ...extra })).find('agency/request.out');
  if (!mapping) throw new Error('not compiled');
  return mapping;
}

function problemsOf(content: MappingSources): string[] {
  try {
    compileMappingSet(content);
  } catch (error) {
    if (error instanceof MappingDefinitionError) return error.problems.map((p) => `${p.origin}#${p.path}${p.target ? ` (${p.target})` : ''}: ${p.message}`);
    throw error;
  }
  return [];
}

const numero = { numero: { from: 'licenceNumber' } };

describe('partner message schemas as targets', () => {
  it('maps into the partner message, and the output holds only what the schema has', () => {
    const mapping = outbound({ ...numero, nom: { from: 'holder.familyName' } });
    expect(mapping.target).toBe('partner:agency/request');
    expect(mapping.map({ licenceNumber: '12/345678', holder: { familyName: 'EL FASSI', givenNames: 'Amina' } })).toEqual({ ok: true, value: { numero: '12/345678', nom: 'EL FASSI' } });
  });

  it('refuses at load a rule for a field the partner message does not have', () => {
    expect(problemsOf(sources({ fields: { ...numero, email: { from: 'holder.email' } } }))).toEqual([
      'partners/agency/request.out.yaml#/fields/email (/email): the target has no field /email',
    ]);
  });

  it('refuses a partner schema with an open object, at any depth, naming where', () => {
    const open = { ...requestSchema, properties: { ...requestSchema.properties, categories: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' } } } } } };
    expect(problemsOf(sources({ fields: numero }, open))).toEqual([
      expect.stringMatching(/^partners\/agency\/schemas\/request\.schema\.json#\/properties\/categories\/items: an object of a partner message must be closed/),
      // The mapping cannot be compiled against a schema that was refused.
      expect.stringMatching(/request\.out\.yaml#\/target: no partner schema partner:agency\/request/),
    ]);
    const { additionalProperties: _open, ...rootOpen } = requestSchema;
    expect(problemsOf(sources({ fields: numero }, rootOpen))[0]).toMatch(/request\.schema\.json#\/: an object of a partner message must be closed/);
  });

  it('refuses a partner schema whose $id does not name its partner and message', () => {
    expect(problemsOf(sources({ fields: numero }, { ...requestSchema, $id: 'urn:econsulat:partner:other:request' }))[0])
      .toBe('partners/agency/schemas/request.schema.json#/$id: must be "urn:econsulat:partner:agency:request" (the partner and message of the file\'s place)');
  });

  it('keeps outbound mappings to partner messages and inbound ones to canonical documents', () => {
    expect(problemsOf(sources({ target: 'person', fields: numero }))).toEqual([
      'partners/agency/request.out.yaml#/target: an outbound mapping writes a partner message: target: partner:<partner>/<message>, not person',
    ]);
    expect(problemsOf(sources({ fields: numero }, requestSchema, 'agency/request.in'))[0]).toMatch(/only an outbound mapping \(<message>\.out\.yaml\) writes one/);
    expect(problemsOf(sources({ target: 'partner:agency/nothing', fields: numero }))[0]).toMatch(/no partner schema partner:agency\/nothing \(expected in partners\/agency\/schemas\/nothing\.schema\.json/);
  });

  it('reports what the partner schema says about the output, e.g. a required field left empty', () => {
    expect(outbound({ ...numero, nom: { from: 'holder.familyName' } }).map({ holder: { familyName: 'X' } })).toEqual({ ok: false, errors: [{ path: '/numero', message: 'is required' }] });
  });
});

describe('input: the canonical shape the mapping reads', () => {
  it('refuses at load a from: path the input schema does not have, naming the rule and its target', () => {
    expect(problemsOf(sources({ input: 'licence-verification', fields: { ...numero, nom: { from: 'holder.surname' } } }))).toEqual([
      'partners/agency/request.out.yaml#/fields/nom (/nom): the input licence-verification has no field holder.surname',
    ]);
  });

  it('checks paths inside groups and each, root paths, join parts and conditions', () => {
    const problems = problemsOf(sources({
      input: 'licence-verification',
      fields: {
        ...numero,
        categories: { each: 'categories', fields: { code: [{ when: { path: 'kind', equals: 'x' }, from: 'code' }, { from: '$.holder.nope' }] } },
        nom: { join: ['holder.familyName', 'holder.middleName'] },
        statut: { from: 'outcome[]' },
      },
    }));
    expect(problems).toEqual([
      'partners/agency/request.out.yaml#/fields/categories/fields/code/0/when (/categories/*/code): the input licence-verification has no field categories[].kind',
      'partners/agency/request.out.yaml#/fields/categories/fields/code/1 (/categories/*/code): the input licence-verification has no field holder.nope',
      'partners/agency/request.out.yaml#/fields/nom (/nom): the input licence-verification has no field holder.middleName',
      'partners/agency/request.out.yaml#/fields/statut (/statut): from: with [] gives a list, and /statut is not one',
    ]);
  });

  it('accepts the paths the input has, through $refs (holder is a person)', () => {
    expect(problemsOf(sources({ input: 'licence-verification', fields: { ...numero, nom: { from: 'holder.identifiers.cnie' }, naissance: { from: 'holder.birthDate', format: 'yyyyMMdd' } } }))).toEqual([]);
  });

  it('refuses an input that is not a canonical schema', () => {
    expect(problemsOf(sources({ input: 'licence-request', fields: numero }))[0]).toMatch(/#\/input: no canonical schema named licence-request/);
  });
});

describe('reverse code lookup', () => {
  const mapping = (): CompiledMapping<unknown> => outbound({ ...numero, statut: { from: 'outcome', code: 'status', reverse: true } });

  it('turns a canonical value into the code of the table', () => {
    expect(mapping().map({ licenceNumber: 'N', outcome: 'suspended' })).toEqual({ ok: true, value: { numero: 'N', statut: 'KO' } });
  });

  it('reports a value that has no code, naming it and the table', () => {
    expect(mapping().map({ licenceNumber: 'N', outcome: 'expired' })).toEqual({ ok: false, errors: [
      { path: '/statut', source: 'outcome', message: 'no code for the value "expired" in code table status' },
    ] });
  });

  it('refuses at load a table where one value has several codes, reverse without code, and a missing table', () => {
    expect(problemsOf(sources({ fields: { ...numero, statut: { from: 'outcome', code: 'shared', reverse: true } } }))).toEqual([
      'partners/agency/request.out.yaml#/fields/statut (/statut): reverse: needs one code per value, and code table shared gives several codes the value(s) "valid"',
    ]);
    expect(problemsOf(sources({ fields: { ...numero, statut: { from: 'outcome', reverse: true } } }))[0]).toMatch(/reverse: goes with code:/);
    expect(problemsOf(sources({ fields: { ...numero, statut: { from: 'outcome', code: 'nothing', reverse: true } } }))[0]).toMatch(/\(\/statut\): no code table named nothing/);
  });
});

describe('format: canonical dates and date-times as the partner spells them', () => {
  const formatted = (format: string, value: unknown, timeZone?: string): unknown => {
    const result = outbound({ ...numero, naissance: { from: 'at', format, ...(timeZone ? { timeZone } : {}) } }).map({ licenceNumber: 'N', at: value });
    return result.ok ? (result.value as { naissance?: string }).naissance : result.errors;
  };

  it('writes a canonical date as dd/MM/yyyy, yyyyMMdd or yyyy-MM-dd', () => {
    expect(formatted('dd/MM/yyyy', '1990-04-12')).toBe('12/04/1990');
    expect(formatted('yyyyMMdd', '1990-04-12')).toBe('19900412');
    expect(formatted('yyyy-MM-dd', '1990-04-12')).toBe('1990-04-12');
  });

  it('refuses a date that is not a canonical calendar date, without repeating it', () => {
    for (const value of ['1990-02-30', '12/04/1990', '1990-4-12', 19900412]) {
      expect(formatted('dd/MM/yyyy', value)).toEqual([{ path: '/naissance', source: 'at', message: 'is not a canonical date (yyyy-MM-dd)' }]);
    }
  });

  it('writes a date-time in UTC (iso-date-time) whatever its offset', () => {
    expect(formatted('iso-date-time', '2026-01-15T10:30:00+01:00')).toBe('2026-01-15T09:30:00.000Z');
    expect(formatted('iso-date-time', '2026-01-15T10:30')).toEqual([{ path: '/naissance', source: 'at', message: 'is not a canonical date-time (RFC 3339 with an offset)' }]);
  });

  it('writes local time in Africa/Casablanca across the Ramadan change of hour (UTC+1 → UTC+0 → UTC+1)', () => {
    expect(formatted('local-date-time', '2024-03-09T12:00:00Z', 'Africa/Casablanca')).toBe('2024-03-09T13:00:00');
    // Sunday 10 March 2024, 03:00 local → 02:00: the hour goes back for Ramadan.
    expect(formatted('local-date-time', '2024-03-10T01:30:00Z', 'Africa/Casablanca')).toBe('2024-03-10T02:30:00');
    expect(formatted('local-date-time', '2024-03-10T02:30:00Z', 'Africa/Casablanca')).toBe('2024-03-10T02:30:00');
    expect(formatted('local-date-time', '2024-03-11T12:00:00Z', 'Africa/Casablanca')).toBe('2024-03-11T12:00:00');
    expect(formatted('local-date-time', '2024-04-15T12:00:00Z', 'Africa/Casablanca')).toBe('2024-04-15T13:00:00');
  });

  it('writes local time in Europe/Paris across the spring and autumn changes', () => {
    expect(formatted('local-date-time', '2026-03-29T00:30:00Z', 'Europe/Paris')).toBe('2026-03-29T01:30:00');
    expect(formatted('local-date-time', '2026-03-29T01:30:00Z', 'Europe/Paris')).toBe('2026-03-29T03:30:00');
    expect(formatted('local-date-time', '2026-10-25T00:30:00Z', 'Europe/Paris')).toBe('2026-10-25T02:30:00');
    expect(formatted('local-date-time', '2026-10-25T01:30:00Z', 'Europe/Paris')).toBe('2026-10-25T02:30:00');
    // The offset of the input is honoured: 10:30 in Casablanca (UTC+1 in January) is 10:30 in Paris.
    expect(formatted('local-date-time', '2026-01-15T10:30:00+01:00', 'Europe/Paris')).toBe('2026-01-15T10:30:00');
  });

  it('refuses at load a local-date-time without a zone, an unknown zone, and a zone on a date format', () => {
    const problem = (rule: Record<string, unknown>): string => problemsOf(sources({ fields: { ...numero, naissance: { from: 'at', ...rule } } }))[0];
    expect(problem({ format: 'local-date-time' })).toMatch(/\(\/naissance\): format: local-date-time needs timeZone:/);
    expect(problem({ format: 'local-date-time', timeZone: 'Africa/Rabat-Sale' })).toMatch(/unknown time zone Africa\/Rabat-Sale/);
    expect(problem({ format: 'dd/MM/yyyy', timeZone: 'Europe/Paris' })).toMatch(/timeZone: goes with format: local-date-time, not dd\/MM\/yyyy/);
    expect(problem({ format: 'dd-MM-yyyy' })).toMatch(/#\/fields\/naissance\/format: must be equal to one of the allowed values/);
    expect(problem({ format: 'yyyyMMdd', code: 'status' })).toMatch(/a rule takes one of code:, date:, format:, not code and format/);
  });
});

describe('join and case', () => {
  it('joins the parts that are there with the separator', () => {
    const mapping = outbound({ ...numero, nom: { join: ['holder.givenNames', 'holder.middle', 'holder.familyName'], separator: ' ' } });
    expect(mapping.map({ licenceNumber: 'N', holder: { givenNames: 'Amina', middle: null, familyName: 'EL FASSI' } })).toEqual({ ok: true, value: { numero: 'N', nom: 'Amina EL FASSI' } });
    expect(mapping.map({ licenceNumber: 'N', holder: { familyName: 'EL FASSI' } })).toEqual({ ok: true, value: { numero: 'N', nom: 'EL FASSI' } });
    // Nothing to join: the field is absent (and the schema says whether it may be).
    expect(mapping.map({ licenceNumber: 'N' })).toEqual({ ok: true, value: { numero: 'N' } });
  });

  it('joins with a space by default, numbers as text, and reports a part that is not text without its value', () => {
    const mapping = outbound({ numero: { join: ['a', 'b'] } });
    expect(mapping.map({ a: 'X', b: 42 })).toEqual({ ok: true, value: { numero: 'X 42' } });
    expect(mapping.map({ a: 'X', b: { secret: 'Amina' } })).toEqual({ ok: false, errors: [{ path: '/numero', source: 'b', message: 'must be text or a number to be joined' }] });
  });

  it('puts text in upper case, accents included, alone or after a join', () => {
    expect(outbound({ ...numero, nom: { from: 'name', case: 'upper' } }).map({ licenceNumber: 'N', name: 'Hélène Benani' })).toEqual({ ok: true, value: { numero: 'N', nom: 'HÉLÈNE BENANI' } });
    expect(outbound({ ...numero, nom: { join: ['a', 'b'], separator: ', ', case: 'upper' } }).map({ licenceNumber: 'N', a: 'el fassi', b: 'amina' }))
      .toEqual({ ok: true, value: { numero: 'N', nom: 'EL FASSI, AMINA' } });
    expect(outbound({ ...numero, nom: { from: 'n', case: 'upper' } }).map({ licenceNumber: 'N', n: 7 }))
      .toEqual({ ok: false, errors: [{ path: '/nom', source: 'n', message: 'must be text to be put in upper case' }] });
  });

  it('refuses at load join with from:, join with a conversion, and separator without join', () => {
    const problem = (rule: Record<string, unknown>): string => problemsOf(sources({ fields: { ...numero, nom: rule } }))[0];
    expect(problem({ join: ['a'], from: 'b' })).toMatch(/\(\/nom\): a rule takes either from: or join:, not both/);
    expect(problem({ join: ['a'], format: 'yyyyMMdd' })).toMatch(/join: gives text and cannot be combined with format/);
    expect(problem({ from: 'a', separator: '-' })).toMatch(/separator: goes with join:/);
    expect(problem({ join: ['a[]'] })).toMatch(/join: parts are single values, without \[\]/);
  });
});
