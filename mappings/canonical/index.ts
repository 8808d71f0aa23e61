/**
 * The canonical model: one JSON Schema per canonical document, registered by the name that mapping
 * files use as `target:`. The schemas are imported as modules (no file reading), so this stays pure.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { isCanonicalDate, isCanonicalDateTime } from './formats';
import licenceVerificationSchema from './licence-verification.schema.json';
import personSchema from './person.schema.json';
import type { CanonicalName, CanonicalTypes } from './types';

export type * from './types';

export const CANONICAL_SCHEMAS: Record<CanonicalName, Record<string, unknown>> = {
  person: personSchema,
  'licence-verification': licenceVerificationSchema,
};

export function isCanonicalName(name: string): name is CanonicalName {
  return Object.prototype.hasOwnProperty.call(CANONICAL_SCHEMAS, name);
}

export type CanonicalValidators = { [K in CanonicalName]: ValidateFunction<CanonicalTypes[K]> };

/** Compiles every canonical schema once. Call it once per mapping set, not per message. */
export function compileCanonicalValidators(): CanonicalValidators {
  // allErrors: a mapping failure should list every wrong field, not only the first one.
  // strictRequired off: `then: {required: [...]}` names properties declared on the parent, which is the
  // point of the conditional requirement but what that strict check flags.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addFormat('date', isCanonicalDate);
  ajv.addFormat('date-time', isCanonicalDateTime);
  for (const schema of Object.values(CANONICAL_SCHEMAS)) ajv.addSchema(schema);
  const compile = <K extends CanonicalName>(name: K): ValidateFunction<CanonicalTypes[K]> => {
    const validate = ajv.getSchema<CanonicalTypes[K]>(String(CANONICAL_SCHEMAS[name].$id));
    if (!validate) throw new Error(`canonical schema ${name} did not compile`);
    return validate;
  };
  return { person: compile('person'), 'licence-verification': compile('licence-verification') };
}
