import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * What a caller-supplied correlation id may look like. The id is written to logs and passed to every service, so
 * anything that could forge a log line or carry data (spaces, quotes, control characters, long strings) is replaced.
 */
export const CORRELATION_ID_PATTERN = '^[A-Za-z0-9._:-]{1,100}$';
const sane = new RegExp(CORRELATION_ID_PATTERN);

/**
 * Used as fastify's `genReqId`: the request id *is* the correlation id, so fastify's own log lines carry it too.
 */
export function correlationIdOf(raw: IncomingMessage): string {
  const header = raw.headers[CORRELATION_HEADER];
  return typeof header === 'string' && sane.test(header) ? header : randomUUID();
}

/** Echoed on every answer, errors included, so a front end can quote it to support. */
export async function echoCorrelationId(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header(CORRELATION_HEADER, request.id);
}
