import type { ActionDefinition, ServiceDefinition } from '../../config/catalogue-types';
import { HubError } from '../../broker/errors';
import type { AuthContext } from '../../broker/middlewares/types';
import type { RequestRecord } from './ports';

/** Who may see a request: its owner, the agents and supervisors of its post. Others learn nothing about it. */
export function assertMayView(auth: AuthContext, request: RequestRecord): void {
  if (auth.role === 'citizen') {
    if (request.ownerSub !== auth.sub) throw new HubError('NOT_FOUND', 'no such request');
    return;
  }
  if (auth.role === 'agent' || auth.role === 'supervisor') {
    if (request.post !== auth.post) throw new HubError('FORBIDDEN', 'the request belongs to another consular post');
    return;
  }
  throw new HubError('FORBIDDEN', `role "${auth.role}" may not read requests`);
}

/** The catalogue's transition for `action`, checked against the caller's role and the current status. */
export function resolveAction(def: ServiceDefinition, request: RequestRecord, action: string, auth: AuthContext, reason?: string): ActionDefinition {
  const spec = def.actions[action];
  if (!spec) throw new HubError('NOT_FOUND', `the service "${def.code}" has no action "${action}"`);
  if (!spec.roles.includes(auth.role)) throw new HubError('FORBIDDEN', `role "${auth.role}" may not ${action} this request`);
  if (!spec.from.includes(request.status)) {
    throw new HubError('ACTION_NOT_ALLOWED', `cannot ${action}: the request is "${request.status}"`, { extra: { status: request.status, allowedFrom: spec.from } });
  }
  if (spec.requiresReason && !(reason && reason.trim())) {
    throw new HubError('VALIDATION_FAILED', `${action} needs a reason`, { errors: [{ path: '/reason', message: 'is required' }] });
  }
  return spec;
}
