/**
 * Partner message schemas (`partners/<partner>/schemas/<message>.schema.json`): what an agency's
 * contract says a message we send holds, and nothing more. They are the targets of outbound mappings
 * (`target: partner:<partner>/<message>`), and the output is validated against them, so a field the
 * agency does not need can never leave: that only holds if every object is closed, which is checked
 * here, when the set is compiled.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { isCanonicalDate, isCanonicalDateTime } from '../canonical/formats';
import type { DefinitionProblem } from './types';

type Schema = Record<string, unknown>;

export interface PartnerSchemaSource {
  /** `<partner>/<message>`, from the file's place. */
  name: string;
  origin: string;
  content: unknown;
}

export interface CompiledPartnerSchema {
  /** `partner:<partner>/<message>`, as mapping files name it in `target:`. */
  target: string;
  schema: Schema;
  validate: ValidateFunction;
}

export const PARTNER_TARGET_PREFIX = 'partner:';
const NAME = /^([a-z][a-z0-9-]*)\/([a-z0-9][a-z0-9-]*)$/;

/** The `$id` a partner schema must have: it says, inside the file, which message it is. */
export function partnerSchemaId(name: string): string {
  const [partner, message] = name.split('/');
  return `urn:econsulat:partner:${partner}:${message}`;
}

export function compilePartnerSchemas(sources: readonly PartnerSchemaSource[], problems: DefinitionProblem[]): Map<string, CompiledPartnerSchema> {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addFormat('date', isCanonicalDate);
  ajv.addFormat('date-time', isCanonicalDateTime);
  const compiled = new Map<string, CompiledPartnerSchema>();
  for (const { name, origin, content } of sources) {
    if (!NAME.test(name)) {
      problems.push({ origin, path: '/', message: `a partner schema is partners/<partner>/schemas/<message>.schema.json, in lower case (got ${name})` });
      continue;
    }
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      problems.push({ origin, path: '/', message: 'a partner schema is a JSON object' });
      continue;
    }
    const schema = content as Schema;
    const expectedId = partnerSchemaId(name);
    if (schema.$id !== expectedId) {
      problems.push({ origin, path: '/$id', message: `must be "${expectedId}" (the partner and message of the file's place)` });
      continue;
    }
    const open = openObjects(schema, '');
    for (const pointer of open) {
      problems.push({ origin, path: pointer || '/', message: 'an object of a partner message must be closed (additionalProperties: false): the message holds what the contract says, nothing more' });
    }
    if (open.length > 0) continue;
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      problems.push({ origin, path: '/', message: `does not compile as JSON Schema 2020-12: ${(error as Error).message}` });
      continue;
    }
    compiled.set(`${PARTNER_TARGET_PREFIX}${name}`, { target: `${PARTNER_TARGET_PREFIX}${name}`, schema, validate });
  }
  return compiled;
}

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_SINGLES = ['items', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedProperties'];

/** JSON pointers of the object schemas (type object, or with properties) that do not say `additionalProperties: false`. */
function openObjects(schema: unknown, pointer: string): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [];
  const s = schema as Schema;
  const out: string[] = [];
  const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties !== undefined;
  if (isObject && s.additionalProperties !== false) out.push(pointer);
  const at = (key: string): string => `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  for (const key of SCHEMA_MAPS) {
    const map = s[key];
    if (typeof map === 'object' && map !== null) for (const [name, sub] of Object.entries(map)) out.push(...openObjects(sub, `${at(key)}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  for (const key of SCHEMA_LISTS) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((sub, i) => out.push(...openObjects(sub, `${at(key)}/${i}`)));
  }
  for (const key of SCHEMA_SINGLES) out.push(...openObjects(s[key], at(key)));
  return out;
}
