import type { FastifyRequest } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { AuthContext } from './auth';

/** What every broker call from the portal carries in `ctx.meta`. */
export interface PortalCallMeta {
  /** The verified caller; null on routes open to anyone (catalogue, readiness). */
  auth: AuthContext | null;
  correlationId: string;
}

export function callMeta(request: FastifyRequest): PortalCallMeta {
  const caller = request.portalAuth;
  // A copy: a service mutating its meta must not change what the next call of this request sends.
  const auth = caller === null ? null : { sub: caller.sub, role: caller.role, ...(caller.post === undefined ? {} : { post: caller.post }) };
  return { auth, correlationId: request.id };
}

/**
 * The only way routes reach the hub. The correlation id also becomes Moleculer's `requestID`, so the broker's own
 * tracing and logs line up with the portal's.
 */
export function callAction<TResult>(
  broker: ServiceBroker, request: FastifyRequest, action: string, params: Record<string, unknown>, opts: { timeout?: number } = {},
): Promise<TResult> {
  return broker.call<TResult, Record<string, unknown>>(action, params, { meta: callMeta(request), requestID: request.id, ...opts });
}

/** A service that answers nothing has a bug; without this fastify would wait for a reply that never comes. */
export function answerOf<T>(answer: T | undefined, action: string): T {
  if (answer === undefined) throw new Error(`${action} answered nothing`);
  return answer;
}
