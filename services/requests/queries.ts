import type { ServiceActionsSchema } from 'moleculer';
import { HubError } from '../../broker/errors';
import type { HubContext } from '../../broker/middlewares/types';
import type { RequestRecord } from './ports';

/**
 * Read-only queries of the request store beyond the portal's get/list: finding a request by the case
 * reference a partner message carries (events, callbacks, feed decisions have no request id), and the
 * escalated requests of a post for its supervisors.
 */
export interface RequestQueryStore {
  findByReference(reference: string): Promise<RequestRecord | undefined>;
  /** Open requests of a post whose service flagged them (`results.escalation` set), most urgent first. */
  listEscalated(filter: { post?: string; service?: string; page: number; pageSize: number }): Promise<{ items: RequestRecord[]; total: number }>;
}

export function requestQueryActions(store: RequestQueryStore): ServiceActionsSchema {
  return {
    /** Internal: the request a partner message names by its case reference, or null. No caller identity: services only. */
    byReference: {
      visibility: 'public',
      params: { reference: { type: 'string', min: 1, max: 64 } },
      async handler(ctx: HubContext<{ reference: string }>) {
        const r = await store.findByReference(ctx.params.reference);
        return r ? { id: r.id, reference: r.reference, service: r.service, post: r.post, status: r.status, data: r.data, results: r.results, updatedAt: r.updatedAt } : null;
      },
    },
    /** The escalated requests of the caller's post (a supervisor's work list). */
    escalations: {
      roles: ['agent', 'supervisor'], audit: true,
      params: { service: { type: 'string', optional: true }, page: { type: 'number', integer: true, min: 1, optional: true, convert: true },
        pageSize: { type: 'number', integer: true, min: 1, max: 100, optional: true, convert: true } },
      async handler(ctx: HubContext<{ service?: string; page?: number; pageSize?: number }>) {
        const auth = ctx.meta.auth;
        if (!auth?.post) throw new HubError('FORBIDDEN', 'escalations are listed per consular post');
        const page = ctx.params.page ?? 1;
        const pageSize = ctx.params.pageSize ?? 20;
        const { items, total } = await store.listEscalated({ post: auth.post, service: ctx.params.service, page, pageSize });
        return {
          page, pageSize, total,
          items: items.map((r) => ({ id: r.id, reference: r.reference, service: r.service, post: r.post, status: r.status, updatedAt: r.updatedAt,
            escalation: r.results.escalation })),
        };
      },
    },
  };
}
