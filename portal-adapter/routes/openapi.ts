import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '../openapi';

export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  // Serialised once: the document is static for the life of the process.
  const body = JSON.stringify(buildOpenApiDocument());
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
}
