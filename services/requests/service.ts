import { createHash, randomUUID } from 'node:crypto';
import type { ServiceSchema } from 'moleculer';
import { HubError } from '../../broker/errors';
import type { AuthContext, HubContext, HubMeta } from '../../broker/middlewares/types';
import type { ConsularPost, ServiceDefinition } from '../../config/catalogue-types';
import { canonicalJson } from './canonical-json';
import { createSubmissionValidator } from './data-validation';
import type { RenderedDocument, SubmissionPlan } from './handler-contract';
import { assertMayView, resolveAction } from './lifecycle';
import { runActionHook, validateActionData } from './action-hook';
import type { DocumentDraft, OutboxDraft, RequestDetails, RequestStore } from './ports';
import { requestQueryActions } from './queries';
import { requestDataQueryActions } from './data-queries';
import { partnerIntakeActions } from './partner-intake';
import { deadlineOf } from './deadline';

export interface RequestsDeps {
  store: RequestStore;
  services: ServiceDefinition[];
  posts: ConsularPost[];
  now?: () => Date;
}

interface CreateParams { service: string; post: string; applicant: Record<string, unknown>; data: Record<string, unknown>; idempotencyKey: string }
interface ActParams { id: string; action: string; reason?: string; note?: string; data?: Record<string, unknown> }
interface TransitionParams { id: string; from: string[]; to: string; actor: string; note?: string; results?: Record<string, unknown>; outbox?: OutboxDraft[] }

function requireAuth(ctx: { meta: HubMeta }): AuthContext {
  const auth = ctx.meta.auth;
  if (!auth) throw new HubError('UNAUTHENTICATED');
  return auth;
}

function publicView(d: RequestDetails): Record<string, unknown> {
  return {
    id: d.id, reference: d.reference, service: d.service, post: d.post, status: d.status, applicant: d.applicant, data: d.data,
    results: d.results, createdAt: d.createdAt, updatedAt: d.updatedAt, history: d.history, exchanges: d.exchanges,
    documents: d.documents.map((doc) => ({ id: doc.id, kind: doc.kind, filename: doc.filename, contentType: doc.contentType, createdAt: doc.createdAt,
      href: `/api/v1/requests/${d.id}/documents/${doc.id}` })),
  };
}

/** The generic request lifecycle: one for all consular services, driven by the catalogue. */
export function createRequestsService(deps: RequestsDeps): ServiceSchema {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const services = new Map(deps.services.map((s) => [s.code, s]));
  const posts = new Set(deps.posts.map((p) => p.code));
  const validate = createSubmissionValidator(deps.services);
  const serviceOf = (code: string): ServiceDefinition => {
    const def = services.get(code);
    if (!def) throw new HubError('INTERNAL', `request of an unconfigured service`);
    return def;
  };
  const load = async (ctx: { meta: HubMeta }, id: string) => {
    const request = await store.find(id);
    if (!request) throw new HubError('NOT_FOUND', 'no such request');
    assertMayView(requireAuth(ctx), request);
    return request;
  };

  return {
    name: 'requests',
    actions: {
      ...requestQueryActions(store),
      ...requestDataQueryActions(store),
      ...partnerIntakeActions({ store, services: deps.services, now: deps.now }),
      create: {
        roles: ['citizen', 'agent'],
        params: { service: 'string', post: 'string', applicant: 'object', data: 'object', idempotencyKey: { type: 'string', min: 1, max: 200 } },
        async handler(ctx: HubContext<CreateParams>) {
          const auth = requireAuth(ctx);
          const { service, post, applicant, data, idempotencyKey } = ctx.params;
          const def = services.get(service);
          if (!def) throw new HubError('UNKNOWN_SERVICE', `no consular service "${service}"`, { errors: [{ path: '/service', message: 'is not a service of the catalogue' }] });
          if (!posts.has(post)) throw new HubError('UNKNOWN_POST', `no consular post "${post}"`, { errors: [{ path: '/post', message: 'is not a consular post' }] });
          if (!def.roles.submit.includes(auth.role)) throw new HubError('FORBIDDEN', `role "${auth.role}" may not submit "${service}"`);
          if (auth.role === 'agent' && auth.post !== post) throw new HubError('FORBIDDEN', 'an agent submits for their own post only');
          validate(def, applicant, data);
          const plan = (await ctx.call(`${def.handler}.plan`, { service, post, applicant, data })) as SubmissionPlan;
          const at = now().toISOString();
          const history = [{ at, status: 'submitted', actor: auth.sub }];
          if (plan.status !== 'submitted') history.push({ at, status: plan.status, actor: 'hub', ...(plan.note ? { note: plan.note } : {}) });
          const bodySha256 = createHash('sha256').update(canonicalJson({ service, post, applicant, data })).digest('hex');
          const outcome = await store.create({
            id: randomUUID(), referencePrefix: def.referencePrefix, service, post, ownerSub: auth.sub, applicant, data,
            status: plan.status, history, outbox: plan.outbox, correlationId: ctx.meta.correlationId,
          }, { key: idempotencyKey, bodySha256 });
          if (outcome.kind === 'key-conflict') throw new HubError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with another body');
          // A nudge only: if it is lost, the relay's poll picks the message up anyway.
          if (outcome.kind === 'created' && plan.outbox.length) void ctx.emit('hub.outbox.written');
          const r = outcome.request;
          return { id: r.id, reference: r.reference, status: r.status, replayed: outcome.kind === 'replayed' };
        },
      },
      get: {
        roles: ['citizen', 'agent', 'supervisor'], audit: true,
        params: { id: 'uuid' },
        async handler(ctx: HubContext<{ id: string }>) {
          await load(ctx, ctx.params.id);
          const details = await store.details(ctx.params.id);
          if (!details) throw new HubError('NOT_FOUND', 'no such request');
          return { ...publicView(details), ...deadlineOf(services.get(details.service), details, now()) };
        },
      },
      list: {
        roles: ['citizen', 'agent', 'supervisor'], audit: true,
        params: { status: { type: 'string', optional: true }, service: { type: 'string', optional: true },
          page: { type: 'number', integer: true, min: 1, optional: true, convert: true }, pageSize: { type: 'number', integer: true, min: 1, max: 100, optional: true, convert: true } },
        async handler(ctx: HubContext<{ status?: string; service?: string; page?: number; pageSize?: number }>) {
          const auth = requireAuth(ctx);
          const page = ctx.params.page ?? 1;
          const pageSize = ctx.params.pageSize ?? 20;
          const scope = auth.role === 'citizen' ? { ownerSub: auth.sub } : { post: auth.post };
          const { items, total } = await store.list({ ...scope, status: ctx.params.status, service: ctx.params.service, page, pageSize });
          return {
            page, pageSize, total,
            items: items.map((r) => ({ id: r.id, reference: r.reference, service: r.service, post: r.post, status: r.status, createdAt: r.createdAt, updatedAt: r.updatedAt,
              applicant: { familyName: r.applicant.familyName, givenNames: r.applicant.givenNames } })),
          };
        },
      },
      act: {
        roles: ['citizen', 'agent', 'supervisor'], audit: true,
        params: { id: 'uuid', action: 'string', reason: { type: 'string', optional: true, max: 2000 }, note: { type: 'string', optional: true, max: 2000 },
          data: { type: 'object', optional: true } },
        async handler(ctx: HubContext<ActParams>) {
          const auth = requireAuth(ctx);
          const request = await load(ctx, ctx.params.id);
          const def = serviceOf(request.service);
          const spec = resolveAction(def, request, ctx.params.action, auth, ctx.params.reason);
          const documents: DocumentDraft[] = [];
          if (spec.issues) {
            const details = await store.details(request.id);
            const doc = (await ctx.call(`${def.handler}.render`, { kind: spec.issues, request: details })) as RenderedDocument;
            documents.push({ kind: spec.issues, filename: doc.filename, contentType: doc.contentType, content: Buffer.from(doc.contentBase64, 'base64') });
          }
          validateActionData(def, ctx.params.action, spec, ctx.params.data);
          const hooked = spec.hook
            ? await runActionHook((a, p) => ctx.call(a, p), def, spec, { action: ctx.params.action, request: (await store.details(request.id)) as RequestDetails, data: ctx.params.data ?? {}, actor: auth.sub })
            : { outbox: [], documents: [] as DocumentDraft[], results: undefined, note: undefined };
          documents.push(...hooked.documents);
          const note = [ctx.params.reason, ctx.params.note, hooked.note].filter(Boolean).join(' — ') || undefined;
          const outcome = await store.transition({
            id: request.id, from: spec.from, to: spec.to, documents, correlationId: ctx.meta.correlationId, outbox: hooked.outbox, results: hooked.results,
            history: { at: now().toISOString(), status: spec.to, actor: auth.sub, ...(note ? { note } : {}) },
          });
          if (outcome.kind === 'applied' && hooked.outbox.length) void ctx.emit('hub.outbox.written');
          if (outcome.kind === 'status-conflict') throw new HubError('ACTION_NOT_ALLOWED', `cannot ${ctx.params.action}: the request is "${outcome.status}"`, { extra: { status: outcome.status } });
          if (outcome.kind === 'not-found') throw new HubError('NOT_FOUND', 'no such request');
          const details = await store.details(request.id);
          return { ...publicView(details as RequestDetails), ...deadlineOf(def, details as RequestDetails, now()) };
        },
      },
      document: {
        roles: ['citizen', 'agent', 'supervisor'], audit: true,
        params: { id: 'uuid', docId: 'uuid' },
        async handler(ctx: HubContext<{ id: string; docId: string }>) {
          await load(ctx, ctx.params.id);
          const doc = await store.document(ctx.params.id, ctx.params.docId);
          if (!doc) throw new HubError('NOT_FOUND', 'no such document');
          return { contentType: doc.contentType, filename: doc.filename, contentBase64: doc.content.toString('base64') };
        },
      },
      /** Internal: a consular service moves a request on after a partner answered (no caller identity). */
      transition: {
        visibility: 'public',
        params: { id: 'uuid', from: { type: 'array', items: 'string' }, to: 'string', actor: 'string', note: { type: 'string', optional: true },
          results: { type: 'object', optional: true }, outbox: { type: 'array', optional: true } },
        async handler(ctx: HubContext<TransitionParams>) {
          const p = ctx.params;
          const outcome = await store.transition({
            id: p.id, from: p.from, to: p.to, results: p.results, outbox: p.outbox, correlationId: ctx.meta.correlationId,
            history: { at: now().toISOString(), status: p.to, actor: p.actor, ...(p.note ? { note: p.note } : {}) },
          });
          if (outcome.kind === 'applied' && p.outbox?.length) void ctx.emit('hub.outbox.written');
          return outcome.kind === 'applied' ? { applied: true, status: outcome.request.status } : { applied: false, ...(outcome.kind === 'status-conflict' ? { status: outcome.status } : {}) };
        },
      },
      /** Internal: a history note without a status change (e.g. a partner message went to dead letters). */
      note: {
        visibility: 'public',
        params: { id: 'uuid', actor: 'string', note: 'string' },
        async handler(ctx: HubContext<{ id: string; actor: string; note: string }>) {
          const request = await store.find(ctx.params.id);
          if (!request) throw new HubError('NOT_FOUND', 'no such request');
          await store.note(request.id, { at: now().toISOString(), status: request.status, actor: ctx.params.actor, note: ctx.params.note });
          return { ok: true };
        },
      },
    },
  } as ServiceSchema;
}
