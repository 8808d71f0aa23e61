import type { ServiceSchema } from 'moleculer';
import { HubError } from '../../broker/errors';
import type { AuthContext, HubContext } from '../../broker/middlewares/types';
import { ministryLog } from './ministry-steps';

const SERVICE = 'judicial-documents';
interface Found { id: string; reference: string; post: string; status: string; data: Record<string, unknown>; results: Record<string, unknown> }

function postOf(auth: AuthContext | undefined): string {
  if (!auth || (auth.role !== 'agent' && auth.role !== 'supervisor') || !auth.post) throw new HubError('FORBIDDEN', 'judicial documents are tracked per consular post');
  return auth.post;
}

const today = (now: Date): string => now.toISOString().slice(0, 10);

function summary(r: Found, now: Date) {
  const returnBy = String(r.data.returnBy ?? '');
  return { id: r.id, reference: r.reference, post: r.post, status: r.status, pliId: r.data.pliId, caseNumber: r.data.caseNumber, returnBy,
    overdue: r.status !== 'completed' && returnBy !== '' && returnBy < today(now) };
}

/**
 * judicial-documents-tracking: a document by the Ministry's references (IdPli, NumeroAffaire) or the hub's, with its
 * full history (request history, statuses sent and the Ministry's acks, the certificate); the overdue list of a post
 * (past DelaiRetour, not returned). Agents and supervisors see their post's documents only.
 */
export function createJudicialTrackingService(deps: { now?: () => Date } = {}): ServiceSchema {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'judicial-documents-tracking',
    actions: {
      find: {
        roles: ['agent', 'supervisor'], audit: true,
        params: { pliId: { type: 'string', optional: true, max: 100 }, caseNumber: { type: 'string', optional: true, max: 100 }, reference: { type: 'string', optional: true, max: 64 } },
        async handler(ctx: HubContext<{ pliId?: string; caseNumber?: string; reference?: string }>) {
          const post = postOf(ctx.meta.auth);
          const { pliId, caseNumber, reference } = ctx.params;
          let found: Found[];
          if (pliId) found = (await ctx.call('requests.findByData', { service: SERVICE, field: 'pliId', value: pliId, post })) as Found[];
          else if (caseNumber) found = (await ctx.call('requests.findByData', { service: SERVICE, field: 'caseNumber', value: caseNumber, post })) as Found[];
          else if (reference) {
            const r = (await ctx.call('requests.byReference', { reference })) as (Found & { service: string }) | null;
            found = r && r.service === SERVICE && r.post === post ? [r] : [];
          } else throw new HubError('VALIDATION_FAILED', 'give pliId, caseNumber or reference', { errors: [{ path: '/pliId', message: 'one of pliId, caseNumber, reference is required' }] });
          const items = [];
          for (const r of found) {
            const details = (await ctx.call('requests.get', { id: r.id })) as Record<string, unknown> & { documents: Array<{ kind: string }> };
            const log = ministryLog(r.results);
            items.push({ ...summary(r, now()), history: details.history, exchanges: details.exchanges,
              ministry: { inFlight: log.inFlight ?? null, sent: log.sent, acks: log.acks },
              serviceRecord: r.results.serviceRecord ?? null, certificate: details.documents.find((d) => d.kind === 'service-certificate') ?? null });
          }
          return { items };
        },
      },
      overdue: {
        roles: ['agent', 'supervisor'], audit: true,
        params: { page: { type: 'number', integer: true, min: 1, optional: true, convert: true }, pageSize: { type: 'number', integer: true, min: 1, max: 100, optional: true, convert: true } },
        async handler(ctx: HubContext<{ page?: number; pageSize?: number }>) {
          const post = postOf(ctx.meta.auth);
          const page = ctx.params.page ?? 1;
          const pageSize = ctx.params.pageSize ?? 20;
          const { items, total } = (await ctx.call('requests.dataDateBefore', { service: SERVICE, field: 'returnBy', before: today(now()), post,
            excludeStatuses: ['completed'], page, pageSize })) as { items: Found[]; total: number };
          return { page, pageSize, total, items: items.map((r) => summary(r, now())) };
        },
      },
    },
  } as ServiceSchema;
}
