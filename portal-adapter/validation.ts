import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { FieldError } from '../broker/errors';

/**
 * Two ajv instances instead of fastify's default one:
 * - bodies are checked as sent: no type coercion (`"12"` is not a number) and no silent removal of unknown
 *   properties (fastify's default `removeAdditional` would hide an extra field instead of naming it);
 * - path and query values are always strings on the wire, so they are coerced (`?page=2`) and defaulted.
 * `allErrors` lets one answer name every bad field; bodies are small (bodyLimit) and the envelope schema is shallow.
 */
function newAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: coerce, useDefaults: coerce, removeAdditional: false });
  addFormats(ajv, ['date', 'email']);
  return ajv;
}

const bodyAjv = newAjv(false);
const urlAjv = newAjv(true);

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : urlAjv).compile(schema as object);

/** A stand-alone validator (for inputs fastify does not validate itself, such as one header). */
export function compileStandalone(schema: object): ValidateFunction {
  return urlAjv.compile(schema);
}

/** Escapes one property name for a JSON pointer (RFC 6901). */
function pointerToken(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

const MAX_FIELD_ERRORS = 50;

/**
 * ajv errors → `{path, message}` where `path` names the offending field itself: for a missing or an unexpected
 * property ajv points at the parent object, so the property name is appended. Messages come from ajv and never
 * quote the submitted value.
 */
export function toFieldErrors(errors: readonly FastifySchemaValidationError[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const err of errors) {
    let path = err.instancePath;
    let message = err.message ?? 'is invalid';
    const missing = err.params.missingProperty;
    const extra = err.params.additionalProperty;
    if (err.keyword === 'required' && typeof missing === 'string') {
      path = `${path}/${pointerToken(missing)}`;
      message = 'is required';
    } else if (err.keyword === 'additionalProperties' && typeof extra === 'string') {
      path = `${path}/${pointerToken(extra)}`;
      message = 'is not an allowed property';
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
    if (out.length >= MAX_FIELD_ERRORS) break;
  }
  return out;
}
