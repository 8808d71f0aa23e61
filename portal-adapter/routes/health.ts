import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import { callAction } from '../broker-call';
import { sendProblem } from '../error-handler';
import { problemOf } from '../problems';

/** A readiness probe must answer quickly even when a dependency hangs. */
const READY_TIMEOUT_MS = 3000;

interface ReadyAnswer {
  ready?: unknown;
  checks?: unknown;
}

/**
 * `/health` says the process serves HTTP; `/ready` asks `hub.ready`, which answers `{ready, checks}` (or throws).
 * Any failure to get a positive answer is "not ready": a probe wants 503, not the reason of a 500.
 */
export async function healthRoutes(app: FastifyInstance, opts: { broker: ServiceBroker }): Promise<void> {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (request, reply) => {
    let answer: ReadyAnswer | null | undefined;
    try {
      answer = await callAction<ReadyAnswer | null | undefined>(opts.broker, request, 'hub.ready', {}, { timeout: READY_TIMEOUT_MS });
    } catch {
      return sendProblem(reply, problemOf('NOT_READY', request.id, 'A dependency of the hub is not ready'));
    }
    const checks = answer?.checks ?? {};
    if (answer?.ready === false) {
      return sendProblem(reply, { ...problemOf('NOT_READY', request.id, 'A dependency of the hub is not ready'), checks });
    }
    return { status: 'ready', checks };
  });
}
