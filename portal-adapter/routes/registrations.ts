import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { PortalAuth, Role } from '../auth';
import { answerOf, callAction } from '../broker-call';
import { requireRole } from '../guard';

/**
 * The consular registry, read (services/registration/lookup-actions.ts): a registration by its number or by the
 * holder's CNIE. Agents and supervisors see their post's registrations, a citizen their own; any other registration
 * answers as an unknown one does (404 / an empty list), so the route never confirms that a number exists elsewhere.
 */
export const REGISTRATION_READ_ROLES: readonly Role[] = ['citizen', 'agent', 'supervisor'];

export const registrationParamsSchema = {
  type: 'object',
  required: ['number'],
  properties: { number: { type: 'string', pattern: '^REG-[A-Z0-9-]{3,60}$', description: 'Registration number, e.g. `REG-BRU-2019-000042`' } },
};
export const registrationQuerySchema = {
  type: 'object',
  required: ['cnie'],
  properties: { cnie: { type: 'string', pattern: '^[A-Z]{1,2}[0-9]{4,8}$', description: "The holder's national identity card number (CNIE), as registered" } },
};

export async function registrationRoutes(app: FastifyInstance, opts: { broker: ServiceBroker; auth: PortalAuth }): Promise<void> {
  app.addHook('onRequest', async (_request, reply) => { reply.header('cache-control', 'no-store'); });
  app.get<{ Params: { number: string } }>('/registrations/:number', {
    schema: { params: registrationParamsSchema }, onRequest: requireRole(opts.auth, REGISTRATION_READ_ROLES),
  }, async (request) => answerOf(await callAction<unknown>(opts.broker, request, 'registration.lookup', { id: request.params.number }), 'registration.lookup'));
  app.get<{ Querystring: { cnie: string } }>('/registrations', {
    schema: { querystring: registrationQuerySchema }, onRequest: requireRole(opts.auth, REGISTRATION_READ_ROLES),
  }, async (request) => answerOf(await callAction<unknown>(opts.broker, request, 'registration.lookupByCnie', { cnie: request.query.cnie }), 'registration.lookupByCnie'));
}
