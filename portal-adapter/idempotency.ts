import type { FastifyRequest } from 'fastify';
import { HubError } from '../broker/errors';
import { idempotencyKeySchema } from './schemas';
import { compileStandalone } from './validation';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotency-replayed';

const isValidKey = compileStandalone(idempotencyKeySchema);

/** How many times a header was sent (`rawHeaders` alternates names and values). */
function timesSent(rawHeaders: readonly string[] | undefined, name: string): number {
  let count = 0;
  for (let i = 0; i < (rawHeaders?.length ?? 0); i += 2) if (rawHeaders?.[i]?.toLowerCase() === name) count += 1;
  return count;
}

/**
 * An `onRequest` hook rather than fastify's header validation, so that a missing key is answered with its own code
 * (`IDEMPOTENCY_KEY_REQUIRED`), before the body is read: without a key the request could not be retried safely.
 */
export async function requireIdempotencyKey(request: FastifyRequest): Promise<void> {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (key === undefined || key === '') {
    throw new HubError('IDEMPOTENCY_KEY_REQUIRED', 'Send an Idempotency-Key header (1–200 printable characters) to create a request');
  }
  // Node joins repeated headers with ", ", which would silently make a different key: refuse repeats instead.
  const repeated = timesSent(request.raw.rawHeaders, IDEMPOTENCY_HEADER) > 1;
  if (repeated || !isValidKey(key)) {
    throw new HubError('IDEMPOTENCY_KEY_REQUIRED', 'The Idempotency-Key header must be 1–200 printable ASCII characters, sent once');
  }
}

/** The key, once `requireIdempotencyKey` has accepted it. */
export function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (typeof key !== 'string') throw new Error('idempotencyKeyOf called on a route without requireIdempotencyKey');
  return key;
}
