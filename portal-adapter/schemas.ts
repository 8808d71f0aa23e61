/**
 * The JSON Schemas of the portal contract v1 (DESIGN.md §5). Route validation (ajv, through fastify) and the
 * OpenAPI document both use these very objects, so what is checked and what is documented cannot drift.
 * Schemas stay within the subset that draft-07 (ajv) and OpenAPI 3.1 (JSON Schema 2020-12) read the same way.
 */

/** Request lifecycle statuses, one list for every service (DESIGN.md §5). */
export const REQUEST_STATUSES = [
  'submitted', 'in-review', 'awaiting-partners', 'ready-for-decision', 'approved', 'rejected', 'completed',
  'info-requested', 'awaiting-payment', 'awaiting-appointment', 'cancelled',
] as const;

/** Actions of v1. Services declare their actions in the catalogue, so routes accept any well-formed name. */
export const KNOWN_ACTIONS = ['accept', 'request-info', 'approve', 'reject', 'issue', 'cancel'] as const;

/** Service codes as the catalogue writes them (`licence-authentication`). */
export const serviceCodeSchema = { type: 'string', pattern: '^[a-z][a-z0-9-]{1,63}$', description: 'Consular service code, e.g. `registration-new`' };

/** Consular post codes (`CG-PARIS`); kept broader than today's posts so a new kind of mission needs no change here. */
export const POST_CODE_PATTERN = '^[A-Z][A-Z0-9-]{1,31}$';
export const postCodeSchema = { type: 'string', pattern: POST_CODE_PATTERN, description: 'Consular post code, e.g. `CG-PARIS`' };

/** Identifiers minted by the services: opaque, but limited to characters that are safe in a path and a log line. */
const identifierSchema = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' };

const name = { type: 'string', minLength: 1, maxLength: 100 };

export const applicantSchema = {
  type: 'object',
  description: 'The person the request is about (DESIGN.md §4a)',
  required: ['familyName', 'givenNames', 'birthDate'],
  additionalProperties: false,
  properties: {
    familyName: name,
    givenNames: name,
    familyNameAr: name,
    givenNamesAr: name,
    birthDate: { type: 'string', format: 'date' },
    cnie: { type: 'string', minLength: 1, maxLength: 20, description: 'National identity card number' },
    email: { type: 'string', format: 'email', maxLength: 254 },
    phone: { type: 'string', minLength: 1, maxLength: 30 },
    address: { type: 'object', description: 'Postal address; its fields are checked by the service' },
  },
};

export const createRequestBodySchema = {
  type: 'object',
  required: ['service', 'post', 'applicant', 'data'],
  additionalProperties: false,
  properties: {
    service: serviceCodeSchema,
    post: postCodeSchema,
    applicant: applicantSchema,
    data: { type: 'object', description: "Service-specific data, validated by the service against its own schema" },
  },
};

/** `Idempotency-Key`: checked by a hook (not fastify's header validation) so that a missing key gets its own code. */
export const idempotencyKeySchema = {
  type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x20-\\x7E]+$',
  description: 'Client-chosen key (1–200 printable ASCII characters); the same key with the same body replays the first answer',
};

export const requestParamsSchema = {
  type: 'object', required: ['id'], additionalProperties: false,
  properties: { id: identifierSchema },
};

export const actionParamsSchema = {
  type: 'object', required: ['id', 'action'], additionalProperties: false,
  properties: {
    id: identifierSchema,
    action: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$', description: `One of the service's actions; v1: ${KNOWN_ACTIONS.join(', ')}` },
  },
};

export const actionBodySchema = {
  type: 'object', additionalProperties: false,
  properties: {
    reason: { type: 'string', minLength: 1, maxLength: 2000, description: 'Required by some actions (`reject`)' },
    note: { type: 'string', minLength: 1, maxLength: 2000 },
    data: { type: 'object', description: 'What some actions record (e.g. `record-service`), validated by the service against the action\'s schema' },
  },
};

export const documentParamsSchema = {
  type: 'object', required: ['id', 'docId'], additionalProperties: false,
  properties: { id: identifierSchema, docId: identifierSchema },
};

/** Unknown query parameters are tolerated (front ends add cache busters); only these reach the service. */
export const listQuerySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: [...REQUEST_STATUSES] },
    service: serviceCodeSchema,
    page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
};

// Responses: documented in OpenAPI; the services own their content, the adapter passes it through.

export const createdRequestSchema = {
  type: 'object', required: ['id', 'reference', 'status'],
  properties: { id: { type: 'string' }, reference: { type: 'string' }, status: { type: 'string', enum: [...REQUEST_STATUSES] } },
};

export const requestSchema = {
  type: 'object',
  required: ['id', 'reference', 'service', 'post', 'status'],
  properties: {
    id: { type: 'string' }, reference: { type: 'string' }, service: { type: 'string' }, post: { type: 'string' },
    status: { type: 'string', enum: [...REQUEST_STATUSES] },
    applicant: applicantSchema,
    data: { type: 'object' },
    history: { type: 'array', items: { type: 'object', properties: {
      at: { type: 'string', format: 'date-time' }, status: { type: 'string' }, actor: { type: 'string' }, note: { type: 'string' } } } },
    exchanges: { type: 'array', items: { type: 'object', properties: {
      id: { type: 'string' }, partner: { type: 'string' }, operation: { type: 'string' }, direction: { type: 'string', enum: ['in', 'out'] },
      status: { type: 'string' }, attempts: { type: 'integer' }, at: { type: 'string', format: 'date-time' } } } },
    documents: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, kind: { type: 'string' }, href: { type: 'string' } } } },
    deadline: { type: 'object', description: "The service's deadline (catalogue `deadline`), with the time left computed when the request is read; absent when the service has none or it no longer matters",
      properties: { at: { type: 'string', format: 'date-time' }, secondsLeft: { type: 'integer', description: 'Whole seconds until the deadline; negative once passed' } } },
  },
};

export const requestPageSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: { type: 'object', properties: {
      id: { type: 'string' }, reference: { type: 'string' }, service: { type: 'string' }, post: { type: 'string' }, status: { type: 'string' } } } },
    page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' },
  },
};

export const serviceCatalogueSchema = {
  type: 'array',
  items: { type: 'object', properties: {
    code: { type: 'string' },
    labels: { type: 'object', description: 'At least ar, fr, en, es', additionalProperties: { type: 'string' } },
    requiredDocuments: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, labels: { type: 'object' } } } },
    fee: { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string' } } },
    partners: { type: 'array', items: { type: 'string' } },
  } },
};

export const healthSchema = { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } };

export const readinessSchema = {
  type: 'object', required: ['status', 'checks'],
  properties: { status: { type: 'string', enum: ['ready'] }, checks: { type: 'object', description: 'One entry per dependency (database, broker…)' } },
};

/** RFC 9457 problem details, as every error of the portal is answered. */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'correlationId'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Code from the hub error catalogue (docs/errors.md)' },
    correlationId: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: {
      path: { type: 'string', description: 'JSON pointer of the offending field, e.g. `/applicant/birthDate`' }, message: { type: 'string' } } } },
  },
};

// TypeScript views of the validated inputs (kept beside their schemas).

export interface Applicant {
  familyName: string; givenNames: string; familyNameAr?: string; givenNamesAr?: string; birthDate: string;
  cnie?: string; email?: string; phone?: string; address?: Record<string, unknown>;
}
export interface CreateRequestBody { service: string; post: string; applicant: Applicant; data: Record<string, unknown> }
export interface RequestParams { id: string }
export interface ActionParams { id: string; action: string }
export interface ActionBody { reason?: string; note?: string; data?: Record<string, unknown> }
export interface DocumentParams { id: string; docId: string }
export interface ListQuery { status?: string; service?: string; page: number; pageSize: number }
