import type { ServiceSchema } from 'moleculer';
import type { HubContext } from '../../broker/middlewares/types';
import type { Registration, RegistrationDraft, RegistrationRegistry } from './registry-port';

/**
 * The consular registry over the broker (`registrations.*`), for the registration handler: internal
 * actions, not routed by the portal. With `demo`, the embedded setup's registrations are inserted at
 * start if missing (idempotent: an existing number is left as it is).
 */
export function createRegistryService(deps: { registry: RegistrationRegistry; demo?: () => Registration[] }): ServiceSchema {
  const { registry } = deps;
  return {
    name: 'registrations',
    actions: {
      find: { visibility: 'public', params: { number: 'string' },
        handler: (ctx: HubContext<{ number: string }>) => registry.find(ctx.params.number).then((r) => r ?? null) },
      findByCnie: { visibility: 'public', params: { cnie: 'string' },
        handler: (ctx: HubContext<{ cnie: string }>) => registry.findByCnie(ctx.params.cnie).then((r) => r ?? null) },
      save: { visibility: 'public', params: { draft: 'object' },
        handler: (ctx: HubContext<{ draft: RegistrationDraft }>) => registry.save(ctx.params.draft) },
    },
    async started() {
      if (deps.demo) await registry.seed(deps.demo());
    },
  } as ServiceSchema;
}
