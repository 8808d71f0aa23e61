import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import { answerOf, callAction } from '../broker-call';

/** The service catalogue, open to anyone: the portal shows it before anyone signs in. */
export async function catalogueRoutes(app: FastifyInstance, opts: { broker: ServiceBroker }): Promise<void> {
  app.get('/services', async (request) => answerOf(await callAction<unknown>(opts.broker, request, 'catalogue.list', {}), 'catalogue.list'));
}
