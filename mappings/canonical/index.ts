/**
 * The canonical model: one JSON Schema per canonical document, registered by the name that mapping
 * files use as `target:`. The schemas are imported as modules (no file reading), so this stays pure.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { isCanonicalDate, isCanonicalDateTime, lengthCountingOptions } from './formats';
import appointmentSchema from './appointment.schema.json';
import clearanceSchema from './clearance.schema.json';
import civilStatusExtractSchema from './civil-status-extract.schema.json';
import consularPostSchema from './consular-post.schema.json';
import deathTranscriptionSchema from './death-transcription.schema.json';
import deceasedSchema from './deceased.schema.json';
import documentSchema from './document.schema.json';
import exchangeSchema from './exchange.schema.json';
import identityCheckSchema from './identity-check.schema.json';
import judicialDocumentSchema from './judicial-document.schema.json';
import licenceVerificationSchema from './licence-verification.schema.json';
import paymentSchema from './payment.schema.json';
import personSchema from './person.schema.json';
import registrationSchema from './registration.schema.json';
import repatriationSchema from './repatriation.schema.json';
import requestSchema from './request.schema.json';
import type { CanonicalName, CanonicalTypes } from './types';

export type * from './types';

/** Canonical name (the file name without `.schema.json`) → its schema. */
export const CANONICAL_SCHEMAS: Record<CanonicalName, Record<string, unknown>> = {
  person: personSchema,
  'licence-verification': licenceVerificationSchema,
  document: documentSchema,
  deceased: deceasedSchema,
  repatriation: repatriationSchema,
  'consular-post': consularPostSchema,
  request: requestSchema,
  appointment: appointmentSchema,
  payment: paymentSchema,
  exchange: exchangeSchema,
  clearance: clearanceSchema,
  'identity-check': identityCheckSchema,
  'judicial-document': judicialDocumentSchema,
  registration: registrationSchema,
  'death-transcription': deathTranscriptionSchema,
  'civil-status-extract': civilStatusExtractSchema,
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
  // lengthCountingOptions: string.length instead of a code-point count where both give the same answer (formats.ts).
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, ...lengthCountingOptions(Object.values(CANONICAL_SCHEMAS)) });
  ajv.addFormat('date', isCanonicalDate);
  ajv.addFormat('date-time', isCanonicalDateTime);
  for (const schema of Object.values(CANONICAL_SCHEMAS)) ajv.addSchema(schema);
  const validators: Partial<Record<CanonicalName, ValidateFunction>> = {};
  for (const name of Object.keys(CANONICAL_SCHEMAS) as CanonicalName[]) {
    const validate = ajv.getSchema(String(CANONICAL_SCHEMAS[name].$id));
    if (!validate) throw new Error(`canonical schema ${name} did not compile`);
    validators[name] = validate;
  }
  // Each validator was compiled from the schema that CanonicalTypes[name] is generated from.
  return validators as CanonicalValidators;
}
