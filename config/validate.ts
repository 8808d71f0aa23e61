import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { HubError, type FieldError } from '../broker/errors';

/** One ajv for configuration and data files: defaults applied, every error reported, `secret` marks allowed. */
export function createConfigAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true });
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  addFormats(ajv);
  return ajv;
}

/** ajv errors as `{path, message}` where path names the offending field itself, also for missing ones. */
export function fieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((e) => {
    let path = e.instancePath;
    if (e.keyword === 'required') path += '/' + String((e.params as { missingProperty: string }).missingProperty);
    if (e.keyword === 'additionalProperties') path += '/' + String((e.params as { additionalProperty: string }).additionalProperty);
    const message = e.keyword === 'additionalProperties' ? 'is not an allowed property' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
    return { path: path || '/', message };
  });
}

/** Throws CONFIG_INVALID naming `where` and each field, e.g. `config: /outbox/batchSize must be <= 1000`. */
export function assertValidConfig(where: string, errors: FieldError[]): void {
  if (errors.length === 0) return;
  const lines = errors.map((e) => `${where}: ${e.path} ${e.message}`);
  throw new HubError('CONFIG_INVALID', lines.join('; '), { errors });
}
