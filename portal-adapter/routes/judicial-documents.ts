import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { PortalAuth, Role } from '../auth';
import { answerOf, callAction } from '../broker-call';
import { requireRole } from '../guard';

/**
 * Tracking of judicial documents (service judicial-documents-tracking): the generic request routes find a request
 * by its id only, and list by status; the Ministry's references (IdPli, NumeroAffaire) and the overdue list need these.
 */
export const JUDICIAL_TRACKING_ROLES: readonly Role[] = ['agent', 'supervisor'];

export const judicialFindQuerySchema = {
  type: 'object',
  properties: {
    pliId: { type: 'string', minLength: 1, maxLength: 100, description: "The Ministry's IdPli" },
    caseNumber: { type: 'string', minLength: 1, maxLength: 100, description: "The court's NumeroAffaire" },
    reference: { type: 'string', minLength: 1, maxLength: 64, description: "The hub's reference (JUD-…)" },
  },
};
export const judicialOverdueQuerySchema = {
  type: 'object',
  properties: { page: { type: 'integer', minimum: 1, default: 1 }, pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
};

export async function judicialDocumentsRoutes(app: FastifyInstance, opts: { broker: ServiceBroker; auth: PortalAuth }): Promise<void> {
  app.addHook('onRequest', async (_request, reply) => { reply.header('cache-control', 'no-store'); });
  app.get<{ Querystring: { pliId?: string; caseNumber?: string; reference?: string } }>('/judicial-documents', {
    schema: { querystring: judicialFindQuerySchema }, onRequest: requireRole(opts.auth, JUDICIAL_TRACKING_ROLES),
  }, async (request) => {
    const { pliId, caseNumber, reference } = request.query;
    const params = { ...(pliId ? { pliId } : {}), ...(caseNumber ? { caseNumber } : {}), ...(reference ? { reference } : {}) };
    return answerOf(await callAction<unknown>(opts.broker, request, 'judicial-documents-tracking.find', params), 'judicial-documents-tracking.find');
  });
  app.get<{ Querystring: { page: number; pageSize: number } }>('/judicial-documents/overdue', {
    schema: { querystring: judicialOverdueQuerySchema }, onRequest: requireRole(opts.auth, JUDICIAL_TRACKING_ROLES),
  }, async (request) => answerOf(await callAction<unknown>(opts.broker, request, 'judicial-documents-tracking.overdue', request.query), 'judicial-documents-tracking.overdue'));
}
