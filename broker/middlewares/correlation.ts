import { randomUUID } from 'node:crypto';
import type { Middleware } from 'moleculer';
import type { ActionHandler, HubContext } from './types';

/**
 * Every call carries a correlation id: the portal's (from `X-Correlation-Id`) or a new one. Moleculer copies
 * meta into child calls, so the id reaches the outbox and from there the partner (`X-Correlation-Id`).
 */
export function correlationMiddleware(): Middleware {
  return {
    name: 'Correlation',
    localAction(next: ActionHandler) {
      return (ctx: HubContext) => {
        if (!ctx.meta.correlationId) ctx.meta.correlationId = ctx.requestID ?? randomUUID();
        return next(ctx);
      };
    },
  } as unknown as Middleware; // moleculer 0.14 types the handler loosely; ours is the precise shape
}
