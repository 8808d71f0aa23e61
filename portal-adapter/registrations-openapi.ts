import { registrationParamsSchema, registrationQuerySchema, REGISTRATION_READ_ROLES } from './routes/registrations';

/** The registry routes in the OpenAPI document (openapi.ts spreads them into `paths`). */
const problem = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const day = { type: 'string', format: 'date' };
const text = { type: 'string' };

/** services/registration/registration-view.ts: the summary every reader gets, then the personal data some get. */
const registrationSchema = {
  type: 'object',
  required: ['number', 'post', 'status', 'registeredOn', 'validUntil', 'renewal', 'householdCount'],
  properties: {
    number: { type: 'string', description: 'The person\'s registration number, kept across posts and renewals' },
    post: { type: 'string', description: 'The consular post holding the registration' },
    status: { type: 'string', enum: ['active', 'expired'], description: "`active` up to and including `validUntil` (the post's day), `expired` after; computed when read" },
    registeredOn: day,
    validUntil: { ...day, description: 'Last day of validity' },
    renewal: {
      type: 'object', required: ['from', 'until', 'open'],
      description: 'The renewal window: from six months before `validUntil` to twelve months after it, both days included',
      properties: { from: day, until: day, open: { type: 'boolean', description: 'Whether a renewal may be submitted today' } },
    },
    householdCount: { type: 'integer', minimum: 0, description: 'Number of household members registered with the person' },
    person: { type: 'object', description: 'Only for the registered person and the agents of the post',
      properties: { cnie: text, familyName: text, givenNames: text, familyNameAr: text, givenNamesAr: text, birthDate: day } },
    residence: { type: 'object', description: 'Only for the registered person and the agents of the post',
      properties: { line1: text, line2: text, postalCode: text, city: text, region: text, country: text } },
    household: { type: 'array', description: 'Only for the registered person and the agents of the post',
      items: { type: 'object', properties: { relationship: { type: 'string', enum: ['spouse', 'child', 'parent', 'other'] }, familyName: text, givenNames: text, birthDate: day, cnie: text } } },
    profession: { type: 'string', description: 'Only for the registered person and the agents of the post' },
  },
};

const secured = (operation: Record<string, unknown>) => ({
  ...operation, tags: ['registry'], security: [{ bearerAuth: [] }], 'x-roles': REGISTRATION_READ_ROLES,
  responses: { ...(operation.responses as object), 400: { description: '`VALIDATION_FAILED`', ...problem }, 401: { description: '`UNAUTHENTICATED`', ...problem },
    403: { description: '`FORBIDDEN` (a role that does not read the registry)', ...problem }, 500: { description: '`INTERNAL`', ...problem } },
});

const WHO = `Agents and supervisors of the post holding the registration, and the registered person (the portal account that registered). The person and the agents of the post also get the identity, residence, household and profession; a supervisor gets the summary. Status and renewal window are computed from \`validUntil\` and the post's day when read.\n\nRoles: ${REGISTRATION_READ_ROLES.join(', ')}.`;

export function registrationsOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/v1/registrations/{number}': {
      get: secured({
        operationId: 'getRegistration', summary: 'A consular registration by its number',
        description: `${WHO}\n\nA registration of another post, or of someone else, answers 404 as an unknown number does: the route never confirms that a number exists.`,
        parameters: Object.entries(registrationParamsSchema.properties).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
        responses: { 200: { description: 'The registration', content: { 'application/json': { schema: registrationSchema } } },
          404: { description: '`NOT_FOUND`: unknown, or not visible to the caller', ...problem } },
      }),
    },
    '/api/v1/registrations': {
      get: secured({
        operationId: 'findRegistrationByCnie', summary: "A consular registration by its holder's CNIE",
        description: `${WHO}\n\nOne person has one registration: the list holds it, or nothing when there is none the caller may see.`,
        parameters: Object.entries(registrationQuerySchema.properties).map(([name, schema]) => ({ name, in: 'query', required: true, schema })),
        responses: { 200: { description: 'The registration found (none: an empty list)',
          content: { 'application/json': { schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', maxItems: 1, items: registrationSchema } } } } } } },
      }),
    },
  };
}
