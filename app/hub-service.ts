import type { ServiceSchema, ServiceBroker } from 'moleculer';
import type { Knex } from 'knex';
import type { Connector } from '../connectors/_kit/contract';

/** `hub.ready`: the database answers and the broker runs; partner health is reported but does not gate readiness. */
export function createHubService(deps: { db: Knex; broker: ServiceBroker; connectors: ReadonlyMap<string, Connector> }): ServiceSchema {
  return {
    name: 'hub',
    actions: {
      async ready() {
        const checks: Record<string, unknown> & { database?: { ok: boolean; detail?: string }; broker?: { ok: boolean } } = {};
        try {
          await deps.db.raw('SELECT 1');
          checks.database = { ok: true };
        } catch {
          checks.database = { ok: false, detail: 'database unreachable' };
        }
        checks.broker = { ok: deps.broker.started };
        const partners: Record<string, { ok: boolean; detail: string; circuit?: string }> = {};
        for (const [name, c] of deps.connectors) partners[name] = await c.health().catch(() => ({ ok: false, detail: 'health check failed' }));
        checks.partners = partners;
        return { ready: Boolean(checks.database?.ok && checks.broker?.ok), checks };
      },
    },
  };
}
