import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import { ACCESS } from '../access';
import type { PortalAuth } from '../auth';
import { answerOf, callAction } from '../broker-call';
import { requireRole } from '../guard';
import { escalationsQuerySchema, type EscalationsQuery } from './escalations-schema';

/** `GET /escalations`: the open requests of the caller's post that a service flagged (e.g. a clearance late before arrival). */
export async function escalationsRoutes(app: FastifyInstance, opts: { broker: ServiceBroker; auth: PortalAuth }): Promise<void> {
  app.addHook('onRequest', async (_request, reply) => { reply.header('cache-control', 'no-store'); });
  app.get<{ Querystring: EscalationsQuery }>('/escalations', {
    schema: { querystring: escalationsQuerySchema },
    onRequest: requireRole(opts.auth, ACCESS.listEscalations),
  }, async (request) => {
    const { service, page, pageSize } = request.query;
    return answerOf(await callAction<unknown>(opts.broker, request, 'requests.escalations', { ...(service === undefined ? {} : { service }), page, pageSize }), 'requests.escalations');
  });
}
