/**
 * The file formats of mapping files and code tables, as JSON Schemas. They check the shape (and catch
 * a misspelt keyword: every object is closed); rules that combine keywords are checked by the compiler,
 * which can say which combination is wrong.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DATE_FORMATS } from './dates';
import { OUTPUT_FORMATS } from './formatting';
import type { CodeTableDefinition, DefinitionProblem, MappingDefinition } from './types';

const condition = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  minProperties: 2,
  maxProperties: 2,
  properties: {
    path: { type: 'string', minLength: 1 },
    equals: {},
    notEquals: {},
    in: { type: 'array' },
    exists: { type: 'boolean' },
  },
} as const;

const mappingFileSchema = {
  $id: 'urn:econsulat:mapping-file',
  type: 'object',
  additionalProperties: false,
  required: ['source', 'target', 'fields'],
  properties: {
    source: { type: 'string', minLength: 1 },
    target: { type: 'string', minLength: 1 },
    input: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    fields: { $ref: '#/$defs/fields' },
  },
  $defs: {
    fields: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_$][\\w$-]*(\\.[A-Za-z_$][\\w$-]*)*$' },
      // if/then/else rather than anyOf: ajv then reports the errors of the one branch that applies.
      additionalProperties: {
        if: { type: 'array' },
        then: { type: 'array', minItems: 1, items: { $ref: '#/$defs/rule' } },
        else: { $ref: '#/$defs/rule' },
      },
    },
    rule: {
      type: 'object',
      additionalProperties: false,
      properties: {
        from: { type: 'string', minLength: 1 },
        const: {},
        default: {},
        code: { type: 'string', minLength: 1 },
        reverse: { type: 'boolean' },
        date: { enum: DATE_FORMATS },
        format: { enum: OUTPUT_FORMATS },
        timeZone: { type: 'string', minLength: 1 },
        join: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        separator: { type: 'string' },
        case: { enum: ['upper', 'lower'] },
        number: { enum: ['integer'] },
        when: { if: { type: 'array' }, then: { type: 'array', minItems: 1, items: condition }, else: condition },
        each: { type: 'string', minLength: 1 },
        fields: { $ref: '#/$defs/fields' },
        description: { type: 'string' },
      },
    },
  },
} as const;

const codeTableFileSchema = {
  $id: 'urn:econsulat:code-table-file',
  type: 'object',
  additionalProperties: false,
  required: ['description', 'codes'],
  properties: {
    description: { type: 'string', minLength: 1 },
    codes: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        anyOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object',
            additionalProperties: false,
            properties: {
              value: { type: 'string', minLength: 1 },
              labels: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
            },
          },
        ],
      },
    },
  },
} as const;

export interface DefinitionValidators {
  mapping(origin: string, content: unknown): { definition?: MappingDefinition; problems: DefinitionProblem[] };
  codeTable(origin: string, content: unknown): { definition?: CodeTableDefinition; problems: DefinitionProblem[] };
}

export function compileDefinitionValidators(): DefinitionValidators {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const mapping = ajv.compile<MappingDefinition>(mappingFileSchema);
  const codeTable = ajv.compile<CodeTableDefinition>(codeTableFileSchema);
  return {
    mapping: (origin, content) => check(mapping, origin, content),
    codeTable: (origin, content) => check(codeTable, origin, content),
  };
}

function check<T>(validate: ValidateFunction<T>, origin: string, content: unknown): { definition?: T; problems: DefinitionProblem[] } {
  if (validate(content)) return { definition: content, problems: [] };
  return { problems: explain(validate.errors ?? [], origin) };
}

/** Ajv errors → problems, once each, with the offending keyword or the allowed values spelt out. */
function explain(errors: ErrorObject[], origin: string): DefinitionProblem[] {
  const seen = new Set<string>();
  const problems: DefinitionProblem[] = [];
  for (const error of errors) {
    if (error.keyword === 'if') continue; // the summary of a branch whose own errors follow
    const detail = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})`
      : error.keyword === 'enum' ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : '';
    const message = `${error.message ?? 'is invalid'}${detail}`;
    const key = `${error.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ origin, path: error.instancePath || '/', message });
  }
  return problems;
}
