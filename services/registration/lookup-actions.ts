import { HubError } from '../../broker/errors';
import type { AuthContext, HubContext, Role } from '../../broker/middlewares/types';
import type { Registration } from './registry-port';
import { accessTo, registrationView, type RegistrationDetails, type RegistrationSummary } from './registration-view';

export const LOOKUP_ROLES: Role[] = ['citizen', 'agent', 'supervisor'];

function callerOf(ctx: HubContext<unknown>): AuthContext {
  const auth = ctx.meta.auth;
  if (!auth) throw new HubError('UNAUTHENTICATED', 'this action needs a caller identity');
  return auth;
}

/**
 * The registry as the portal reads it (`GET /api/v1/registrations/{number}`, `?cnie=`): the agents and supervisors
 * of the post holding a registration, and the registered person. Everyone else gets the answer an unknown number
 * gets (404, or an empty list), never a 403 that would confirm the number exists elsewhere.
 * `today(post)` is the post's local day: the status and the renewal window are computed when read.
 */
export function registrationLookupActions(deps: { today: (post: string) => string }) {
  const visible = (found: Registration | null, auth: AuthContext): RegistrationSummary | RegistrationDetails | undefined => {
    if (!found) return undefined;
    const access = accessTo(found, auth);
    return access === 'none' ? undefined : registrationView(found, deps.today(found.post), access);
  };
  return {
    /** `id` is the registration number (the audit log records it as the subject). */
    lookup: {
      roles: LOOKUP_ROLES, audit: true,
      params: { id: { type: 'string', min: 1, max: 64 } },
      async handler(ctx: HubContext<{ id: string }>) {
        const found = (await ctx.call('registrations.find', { number: ctx.params.id })) as Registration | null;
        const view = visible(found, callerOf(ctx));
        if (!view) throw new HubError('NOT_FOUND', 'no such registration');
        return view;
      },
    },
    lookupByCnie: {
      roles: LOOKUP_ROLES, audit: true,
      params: { cnie: { type: 'string', min: 1, max: 20 } },
      async handler(ctx: HubContext<{ cnie: string }>) {
        const found = (await ctx.call('registrations.findByCnie', { cnie: ctx.params.cnie })) as Registration | null;
        const view = visible(found, callerOf(ctx));
        return { items: view ? [view] : [] };
      },
    },
  };
}
