/** Canonical-schema errors (ajv) → mapping errors, without repeating what the mapping already reported. */
import type { ErrorObject } from 'ajv';
import type { MappingError } from './types';

export function schemaErrors(errors: readonly ErrorObject[], alreadyReported: readonly MappingError[] | undefined): MappingError[] {
  const out: MappingError[] = [];
  for (const error of errors) {
    // The `if` of a conditional requirement adds a summary error; the `then` errors say what is missing.
    if (error.keyword === 'if') continue;
    const path = error.keyword === 'required' ? `${error.instancePath}/${String(error.params.missingProperty)}` : error.instancePath || '/';
    // A field whose conversion failed is absent from the output (a list with a failed element too):
    // the schema would call it missing; the mapping error already says why.
    if (alreadyReported?.some((reported) => related(path, reported.path))) continue;
    out.push({ path, message: describe(error) });
  }
  return out;
}

function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required': return 'is required';
    case 'enum': return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'additionalProperties': return `has no field ${String(error.params.additionalProperty)}`;
    // `false` schemas forbid a field in a given case (e.g. licence data when no licence was found).
    case 'false schema': return 'must be absent here';
    default: return error.message ?? 'is invalid';
  }
}
