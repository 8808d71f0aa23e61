import { escalationPageSchema, escalationsQuerySchema } from './routes/escalations-schema';
import { ERROR_CATALOGUE } from '../broker/errors';
import { ACCESS } from './access';
import type { Role } from './auth';
import { CORRELATION_ID_PATTERN } from './correlation';
import { PROBLEM_TYPE_BASE } from './problems';
import { judicialDocumentsOpenApiPaths } from './judicial-documents-openapi';
import { registrationsOpenApiPaths } from './registrations-openapi';
import {
  actionBodySchema, actionParamsSchema, applicantSchema, createdRequestSchema, createRequestBodySchema, documentParamsSchema,
  healthSchema, idempotencyKeySchema, listQuerySchema, problemSchema, readinessSchema, requestPageSchema, requestParamsSchema,
  requestSchema, serviceCatalogueSchema,
} from './schemas';

/**
 * The OpenAPI 3.1 description of the portal contract v1, served at `/api/v1/openapi.json`. Hand-written, but every
 * request schema is the object the routes validate with (schemas.ts) and every role list comes from access.ts;
 * a test checks that each registered route is described here and each path described here is registered.
 */

type Json = Record<string, unknown>;

interface ObjectSchema {
  properties: Record<string, unknown>;
  required?: readonly string[];
}

/** Path or query parameters, one per property of the schema the route validates them with. */
function parametersFrom(schema: ObjectSchema, where: 'path' | 'query'): Json[] {
  return Object.entries(schema.properties).map(([name, property]) => ({
    name, in: where, required: where === 'path' || (schema.required ?? []).includes(name), schema: property,
  }));
}

const ref = (kind: string, name: string): Json => ({ $ref: `#/components/${kind}/${name}` });

const json = (schema: unknown): Json => ({ content: { 'application/json': { schema } } });

/** The problem answers an operation may give, by catalogue code. */
function problems(...codes: (keyof typeof ERROR_CATALOGUE)[]): Record<string, Json> {
  const byStatus: Record<string, string[]> = {};
  for (const code of [...codes, 'INTERNAL' as const]) (byStatus[ERROR_CATALOGUE[code].status] ??= []).push(code);
  return Object.fromEntries(Object.entries(byStatus).map(([status, list]) => [status, {
    description: list.map((code) => `\`${code}\``).join(', '),
    headers: { 'X-Correlation-Id': ref('headers', 'CorrelationId') },
    content: { 'application/problem+json': { schema: ref('schemas', 'Problem') } },
  }]));
}

function ok(description: string, schema: unknown, extraHeaders: Json = {}): Json {
  return { description, headers: { 'X-Correlation-Id': ref('headers', 'CorrelationId'), ...extraHeaders }, ...json(schema) };
}

const AUTH_PROBLEMS = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;

/** Operation open to the listed roles: bearer security, and the roles named for readers and tools (`x-roles`). */
function secured(roles: readonly Role[], operation: Json): Json {
  return { ...operation, security: [{ bearerAuth: [] }], 'x-roles': roles, description: `${String(operation.description ?? '')}\n\nRoles: ${roles.join(', ')}.`.trim() };
}

const correlationParameter = ref('parameters', 'CorrelationId');

export function buildOpenApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'eConsulat integration hub — portal API',
      version: '1.0.0',
      description: `API of the hub for the consular front ends (portal, appointment site, back-office). Errors are RFC 9457 problem details whose \`type\` is \`${PROBLEM_TYPE_BASE}<code-in-lowercase-with-dashes>\` and whose \`code\` is the hub error code.`,
    },
    servers: [{ url: '/' }],
    tags: [{ name: 'probes' }, { name: 'catalogue' }, { name: 'requests' }, { name: 'meta' }],
    paths: {
      '/health': { get: { tags: ['probes'], operationId: 'health', summary: 'Liveness', responses: { 200: ok('The process serves HTTP', healthSchema) } } },
      '/ready': { get: { tags: ['probes'], operationId: 'ready', summary: 'Readiness (database and broker up)', parameters: [correlationParameter],
        responses: { 200: ok('Ready', readinessSchema), ...problems('NOT_READY') } } },
      '/api/v1/services': { get: { tags: ['catalogue'], operationId: 'listServices', summary: 'The service catalogue', parameters: [correlationParameter],
        responses: { 200: ok('Code, labels, required documents, fee and partners of every service', serviceCatalogueSchema), ...problems('NOT_READY') } } },
      '/api/v1/requests': {
        post: secured(ACCESS.createRequest, {
          tags: ['requests'], operationId: 'createRequest', summary: 'Submit a request',
          description: '`data` is validated by the service against its own schema. The same Idempotency-Key with the same body replays the first answer (200); with another body it is refused (409).',
          parameters: [ref('parameters', 'IdempotencyKey'), correlationParameter],
          requestBody: { required: true, ...json(ref('schemas', 'CreateRequest')) },
          responses: {
            201: ok('Created', createdRequestSchema, { Location: { schema: { type: 'string' }, description: 'URL of the new request' } }),
            200: ok('Replay of an earlier identical call', createdRequestSchema, {
              Location: { schema: { type: 'string' } }, 'Idempotency-Replayed': { schema: { type: 'string', enum: ['true'] } } }),
            ...problems('VALIDATION_FAILED', 'MALFORMED_BODY', 'IDEMPOTENCY_KEY_REQUIRED', 'UNKNOWN_SERVICE', 'UNKNOWN_POST', ...AUTH_PROBLEMS,
              'IDEMPOTENCY_KEY_REUSED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'NOT_READY'),
          },
        }),
        get: secured(ACCESS.listRequests, {
          tags: ['requests'], operationId: 'listRequests', summary: "A page of the caller's post's requests",
          parameters: [...parametersFrom(listQuerySchema, 'query'), correlationParameter],
          responses: { 200: ok('One page', requestPageSchema), ...problems('VALIDATION_FAILED', ...AUTH_PROBLEMS, 'NOT_READY') },
        }),
      },
      '/api/v1/escalations': {
        get: secured(ACCESS.listEscalations, {
          tags: ['requests'], operationId: 'listEscalations', summary: "The flagged open requests of the caller's post (a supervisor's work list)",
          description: 'E.g. a repatriation whose clearance is still pending 12 hours before the expected arrival; most urgent first.',
          parameters: [...parametersFrom(escalationsQuerySchema, 'query'), correlationParameter],
          responses: { 200: ok('One page', escalationPageSchema), ...problems('VALIDATION_FAILED', ...AUTH_PROBLEMS, 'NOT_READY') },
        }),
      },
      '/api/v1/requests/{id}': {
        get: secured(ACCESS.readRequest, {
          tags: ['requests'], operationId: 'getRequest', summary: 'One request with its history, exchanges and documents',
          description: 'A citizen sees only their own requests, an agent only those of their post.',
          parameters: [...parametersFrom(requestParamsSchema, 'path'), correlationParameter],
          responses: { 200: ok('The request', ref('schemas', 'Request')), ...problems('VALIDATION_FAILED', ...AUTH_PROBLEMS, 'NOT_FOUND', 'NOT_READY') },
        }),
      },
      '/api/v1/requests/{id}/actions/{action}': {
        post: secured(ACCESS.actOnRequest, {
          tags: ['requests'], operationId: 'actOnRequest', summary: 'Move a request through its lifecycle',
          description: `A citizen may only \`cancel\` or \`correct\` (when the service allows it; roles for these: ${ACCESS.cancelRequest.join(', ')}). \`reject\` needs a \`reason\`.`,
          parameters: [...parametersFrom(actionParamsSchema, 'path'), correlationParameter],
          requestBody: { required: false, ...json(ref('schemas', 'ActionInput')) },
          responses: {
            200: ok('The request after the action', ref('schemas', 'Request')),
            204: { description: 'Done; the service returned no body', headers: { 'X-Correlation-Id': ref('headers', 'CorrelationId') } },
            ...problems('VALIDATION_FAILED', 'MALFORMED_BODY', ...AUTH_PROBLEMS, 'NOT_FOUND', 'ACTION_NOT_ALLOWED', 'UNSUPPORTED_MEDIA_TYPE', 'NOT_READY'),
          },
        }),
      },
      '/api/v1/requests/{id}/documents/{docId}': {
        get: secured(ACCESS.readDocument, {
          tags: ['requests'], operationId: 'getDocument', summary: 'An issued document (attestation, laissez-passer, certificate of service)',
          parameters: [...parametersFrom(documentParamsSchema, 'path'), correlationParameter],
          responses: {
            200: { description: 'The document, as an attachment', headers: {
              'X-Correlation-Id': ref('headers', 'CorrelationId'), 'Content-Disposition': { schema: { type: 'string' } } },
            content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
            ...problems('VALIDATION_FAILED', ...AUTH_PROBLEMS, 'NOT_FOUND', 'NOT_READY'),
          },
        }),
      },
      ...judicialDocumentsOpenApiPaths(),
      ...registrationsOpenApiPaths(),
      '/api/v1/openapi.json': { get: { tags: ['meta'], operationId: 'openApi', summary: 'This document', responses: { 200: ok('OpenAPI 3.1', { type: 'object' }) } } },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
          description: 'ES256 JWT from the hub: claims sub, role (citizen | agent | supervisor | engineer), post (agents and supervisors), exp; iss econsulat-hub, aud econsulat-portal.' },
      },
      parameters: {
        IdempotencyKey: { name: 'Idempotency-Key', in: 'header', required: true, schema: idempotencyKeySchema },
        CorrelationId: { name: 'X-Correlation-Id', in: 'header', required: false, schema: { type: 'string', pattern: CORRELATION_ID_PATTERN },
          description: 'Optional; another value (or none) is replaced by a generated UUID. Echoed on every answer and passed to every service.' },
      },
      headers: { CorrelationId: { schema: { type: 'string' }, description: 'The correlation id of this call' } },
      schemas: {
        CreateRequest: createRequestBodySchema,
        Applicant: applicantSchema,
        ActionInput: actionBodySchema,
        Request: requestSchema,
        Problem: problemSchema,
      },
    },
  };
}
