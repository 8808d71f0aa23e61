import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CORRELATION_HEADER } from './correlation';
import { framesOf } from './logging';
import { classify, problemOf, PROBLEM_CONTENT_TYPE, type Problem } from './problems';

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // Serialised here rather than by fastify so that no route response schema can reshape a problem.
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

/** Answers every error as a problem; logs only what is unexpected, with the correlation id and never a message. */
function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { problem, kind, retryAfterSeconds } = classify(err, request.id);
  if (kind === 'unexpected') {
    request.log.error({ code: problem.code, errorName: errorName(err), frames: framesOf(err) }, 'request failed');
  } else if (kind === 'unavailable') {
    const errorType = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : undefined;
    request.log.warn({ code: problem.code, errorType }, 'hub service unavailable');
  }
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  return sendProblem(reply, problem);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problemOf('NOT_FOUND', request.id, 'No route matches this method and path')));
}

/**
 * For fastify's `frameworkErrors` option: errors raised before routing (an undecodable URL), when no hook has run
 * yet, so the correlation id is echoed here.
 */
export function handleFrameworkError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  reply.header(CORRELATION_HEADER, request.id);
  handleError(err, request, reply);
}
