import { judicialFindQuerySchema, judicialOverdueQuerySchema, JUDICIAL_TRACKING_ROLES } from './routes/judicial-documents';

/** The tracking routes of judicial documents in the OpenAPI document (openapi.ts spreads them into `paths`). */
const problem = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const query = (schema: { properties: Record<string, unknown> }) => Object.entries(schema.properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
const secured = (operation: Record<string, unknown>) => ({
  ...operation, tags: ['requests'], security: [{ bearerAuth: [] }], 'x-roles': JUDICIAL_TRACKING_ROLES,
  responses: { ...(operation.responses as object), 400: { description: '`VALIDATION_FAILED`', ...problem }, 401: { description: '`UNAUTHENTICATED`', ...problem },
    403: { description: '`FORBIDDEN`', ...problem }, 500: { description: '`INTERNAL`', ...problem } },
});

export function judicialDocumentsOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/v1/judicial-documents': {
      get: secured({
        operationId: 'findJudicialDocuments', summary: "Judicial documents of the caller's post by the Ministry's IdPli, the case number or the hub's reference",
        description: `With their history, the statuses sent to the Ministry and its acknowledgements, the service record and the certificate. Give one of pliId, caseNumber, reference.\n\nRoles: ${JUDICIAL_TRACKING_ROLES.join(', ')}.`,
        parameters: query(judicialFindQuerySchema),
        responses: { 200: { description: 'The documents found (none: an empty list)', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } } } } } } },
      }),
    },
    '/api/v1/judicial-documents/overdue': {
      get: secured({
        operationId: 'listOverdueJudicialDocuments', summary: "The caller's post's judicial documents past their return deadline (DelaiRetour) and not yet returned",
        description: `Soonest deadline first.\n\nRoles: ${JUDICIAL_TRACKING_ROLES.join(', ')}.`,
        parameters: query(judicialOverdueQuerySchema),
        responses: { 200: { description: 'One page', content: { 'application/json': { schema: { type: 'object', properties: {
          page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' }, items: { type: 'array', items: { type: 'object' } } } } } } } },
      }),
    },
  };
}
