import type { Knex } from 'knex';
import type { ServiceSchema } from 'moleculer';
import type { ConsularPost } from '../config/catalogue-types';
import type { HubConfig } from '../config/schema';
import { createRegistrationStore } from '../db/repositories/registration-store';
import { demoRegistrations } from '../services/registration/demo-seed';
import { createRegistryService } from '../services/registration/registry-service';
import { createRegistrationService } from '../services/registration/service';

/**
 * Consular registration: the handler of registration-new / -renewal / -update, and the registry it keeps
 * (one registration per person). The demo registry (Youssef BENANI's REG-BRU-2019-000042) is seeded only
 * when the sandbox agencies run, i.e. in the embedded demo and the tests, never in a production configuration.
 */
export function registrationServices(deps: { config: HubConfig; posts: ConsularPost[]; arabicFont?: Uint8Array; db?: Knex }): ServiceSchema[] {
  if (!deps.db) return [];
  return [
    createRegistryService({ registry: createRegistrationStore(deps.db),
      ...(deps.config.sandbox.enabled ? { demo: () => demoRegistrations(new Date().toISOString().slice(0, 10)) } : {}) }),
    createRegistrationService({ posts: deps.posts, arabicFont: deps.arabicFont }),
  ];
}
