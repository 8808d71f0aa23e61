import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { HubError, type FieldError } from '../../broker/errors';
import type { ConfigSchema } from './config-schema-types';

const compiled = new WeakMap<ConfigSchema, ValidateFunction>();

function compile(schema: ConfigSchema): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  // One Ajv per schema: two schemas may share an $id (e.g. a test copy) without clashing.
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  const validate = ajv.compile(schema);
  compiled.set(schema, validate);
  return validate;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `/operations/licence.verify/answers/0` under `partners.narsa.rest` → `partners.narsa.rest.operations["licence.verify"].answers[0]`. */
export function describeConfigPath(where: string, instancePath: string, child?: string): string {
  const segments = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  let out = where;
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function toFieldError(where: string, error: ErrorObject): FieldError {
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return { path: describeConfigPath(where, error.instancePath, missing), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return { path: describeConfigPath(where, error.instancePath, extra), message: 'is not a known setting' };
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
    return { path: describeConfigPath(where, error.instancePath), message: `must be one of ${allowed}` };
  }
  // Ajv messages describe the rule, never the value, so secrets cannot leak through them.
  return { path: describeConfigPath(where, error.instancePath), message: error.message ?? `fails ${error.keyword}` };
}

/**
 * Validates `config` against a connector's schema and returns a copy with the schema's defaults
 * applied. Throws `CONFIG_INVALID` naming each offending field, e.g.
 * `partners.narsa.rest.timeoutMs: must be >= 1`.
 */
export function validateConnectorConfig<T>(schema: ConfigSchema, config: unknown, where: string): T {
  const validate = compile(schema);
  // Defaults are written into the data: work on a copy so the caller's object stays as given.
  const copy: unknown = config === undefined ? undefined : structuredClone(config);
  if (validate(copy)) return copy as T;
  const errors = (validate.errors ?? []).map((e) => toFieldError(where, e));
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  throw new HubError('CONFIG_INVALID', detail, { errors });
}
