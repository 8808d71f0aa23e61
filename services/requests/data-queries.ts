import type { ServiceActionsSchema } from 'moleculer';
import type { HubContext } from '../../broker/middlewares/types';
import type { RequestRecord } from './ports';

/**
 * Read-only queries on a request's `data` (jsonb): a partner's own reference (Justice's IdPli, NumeroAffaire) and
 * requests whose date field is past (a return deadline). Internal actions: the calling service scopes them to the
 * caller's post and decides what to show.
 */
export interface RequestDataQueryStore {
  /** Requests of a service whose top-level `data.<field>` equals `value` (at most `limit`, newest first). */
  findByDataField(filter: { service: string; field: string; value: string; post?: string; limit: number }): Promise<RequestRecord[]>;
  /** Requests of a service whose `data.<field>` (a yyyy-MM-dd date) is before `before`, not in `excludeStatuses`, soonest first. */
  listDataDateBefore(filter: { service: string; field: string; before: string; post?: string; excludeStatuses: string[]; page: number; pageSize: number }):
    Promise<{ items: RequestRecord[]; total: number }>;
}

const FIELD = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' };

export function requestDataQueryActions(store: RequestDataQueryStore): ServiceActionsSchema {
  return {
    findByData: {
      visibility: 'public',
      params: { service: 'string', field: FIELD, value: { type: 'string', min: 1, max: 200 }, post: { type: 'string', optional: true } },
      async handler(ctx: HubContext<{ service: string; field: string; value: string; post?: string }>) {
        return store.findByDataField({ ...ctx.params, limit: 50 });
      },
    },
    dataDateBefore: {
      visibility: 'public',
      params: { service: 'string', field: FIELD, before: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, post: { type: 'string', optional: true },
        excludeStatuses: { type: 'array', items: 'string' }, page: { type: 'number', integer: true, min: 1 }, pageSize: { type: 'number', integer: true, min: 1, max: 100 } },
      async handler(ctx: HubContext<{ service: string; field: string; before: string; post?: string; excludeStatuses: string[]; page: number; pageSize: number }>) {
        return store.listDataDateBefore(ctx.params);
      },
    },
  };
}
