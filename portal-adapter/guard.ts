import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HubError } from '../broker/errors';
import type { AuthContext, PortalAuth, Role } from './auth';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; null on routes open to anyone. */
    portalAuth: AuthContext | null;
  }
}

/** Roles allowed on a route, possibly depending on the path (the one action a citizen may take). */
export type RoleRule = readonly Role[] | ((request: FastifyRequest) => readonly Role[]);

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/**
 * An `onRequest` hook: runs before the body is read, so an anonymous or unauthorised caller cannot make the portal
 * parse and validate a body first. 401 answers carry `WWW-Authenticate` as RFC 6750 asks.
 */
export function requireRole(auth: PortalAuth, rule: RoleRule): onRequestAsyncHookHandler {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = bearerToken(request);
    if (token === undefined) {
      reply.header('www-authenticate', `Bearer realm="${auth.audience}"`);
      throw new HubError('UNAUTHENTICATED', 'A bearer token is required (Authorization: Bearer <JWT>)');
    }
    let caller: AuthContext;
    try {
      caller = await auth.verify(token);
    } catch (err) {
      reply.header('www-authenticate', `Bearer realm="${auth.audience}", error="invalid_token"`);
      throw err;
    }
    const allowed = typeof rule === 'function' ? rule(request) : rule;
    if (!allowed.includes(caller.role)) {
      throw new HubError('FORBIDDEN', `The role "${caller.role}" may not call this route`);
    }
    request.portalAuth = caller;
  };
}
