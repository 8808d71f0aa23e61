import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { HubError, type FieldError } from '../../broker/errors';
import type { ServiceDefinition } from '../../config/catalogue-types';
import { fieldErrors } from '../../config/validate';
import { applicantSchema } from './applicant-schema';

function toFieldErrors(prefix: string, fn: ValidateFunction): FieldError[] {
  return fieldErrors(fn.errors).map((e) => ({ path: prefix + (e.path === '/' ? '' : e.path), message: e.message }));
}

/** Validators compiled once per service at start: `data` against the catalogue's schema, the applicant against ours. */
export function createSubmissionValidator(services: ServiceDefinition[]): (service: ServiceDefinition, applicant: unknown, data: unknown) => void {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const applicant = ajv.compile(applicantSchema);
  const byService = new Map(services.map((s) => [s.code, ajv.compile(s.dataSchema)]));
  return (service, applicantValue, data) => {
    const errors: FieldError[] = [];
    if (!applicant(applicantValue)) errors.push(...toFieldErrors('/applicant', applicant));
    const validateData = byService.get(service.code);
    if (validateData && !validateData(data)) errors.push(...toFieldErrors('/data', validateData));
    if (errors.length) throw new HubError('VALIDATION_FAILED', `the request does not match the "${service.code}" schema`, { errors });
  };
}
