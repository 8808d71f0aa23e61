import type { Middleware } from 'moleculer';
import { HubError } from '../errors';
import type { ActionHandler, HubActionOptions, HubContext } from './types';

/** Role check for actions that declare `roles`: the caller's identity comes from the portal, in meta.auth. */
export function authContextMiddleware(): Middleware {
  return {
    name: 'AuthContext',
    localAction(next: ActionHandler, action: HubActionOptions) {
      if (!action.roles) return next;
      const allowed = action.roles;
      return (ctx: HubContext) => {
        const auth = ctx.meta.auth;
        if (!auth) throw new HubError('UNAUTHENTICATED', 'this action needs a caller identity');
        if (!allowed.includes(auth.role)) throw new HubError('FORBIDDEN', `role "${auth.role}" may not do this`);
        if ((auth.role === 'agent' || auth.role === 'supervisor') && !auth.post) throw new HubError('FORBIDDEN', 'an agent token must name its consular post');
        return next(ctx);
      };
    },
  } as unknown as Middleware; // moleculer 0.14 types the handler loosely; ours is the precise shape
}
