import { createHash, randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ServiceActionsSchema } from 'moleculer';
import { HubError } from '../../broker/errors';
import type { HubContext } from '../../broker/middlewares/types';
import type { ServiceDefinition } from '../../config/catalogue-types';
import { fieldErrors } from '../../config/validate';
import { canonicalJson } from './canonical-json';
import type { SubmissionPlan } from './handler-contract';
import type { DocumentDraft, RequestStore } from './ports';

/**
 * Requests a partner opens (Justice's plis): created by the hub on the partner's behalf (`actor`, e.g. `justice`), not
 * by a portal caller. The partner's id is the idempotency key (a pli delivered twice is one request). The request is
 * created `submitted`, then moved to the plan's status with its documents and outbox messages in one transition; a
 * crash between the two is mended by the next delivery (the replay finds it still `submitted` and moves it on).
 */
interface IntakeParams {
  service: string; post: string; actor: string; idempotencyKey: string;
  applicant: Record<string, unknown>; data: Record<string, unknown>;
  documents?: Array<{ kind: string; filename: string; contentType: string; contentBase64: string }>;
}

export function partnerIntakeActions(deps: { store: RequestStore; services: ServiceDefinition[]; now?: () => Date }): ServiceActionsSchema {
  const now = deps.now ?? (() => new Date());
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const byCode = new Map(deps.services.map((s) => [s.code, { def: s, validate: ajv.compile(s.dataSchema) }]));
  return {
    createFromPartner: {
      visibility: 'public',
      params: { service: 'string', post: 'string', actor: 'string', idempotencyKey: { type: 'string', min: 1, max: 200 }, applicant: 'object', data: 'object',
        documents: { type: 'array', optional: true } },
      async handler(ctx: HubContext<IntakeParams>) {
        const p = ctx.params;
        const entry = byCode.get(p.service);
        if (!entry) throw new HubError('UNKNOWN_SERVICE', `no consular service "${p.service}"`);
        if (!entry.validate(p.data)) {
          throw new HubError('VALIDATION_FAILED', `the data does not match the "${p.service}" schema`,
            { errors: fieldErrors(entry.validate.errors).map((e) => ({ path: '/data' + (e.path === '/' ? '' : e.path), message: e.message })) });
        }
        const at = now().toISOString();
        const bodySha256 = createHash('sha256').update(canonicalJson({ service: p.service, post: p.post, applicant: p.applicant, data: p.data })).digest('hex');
        const created = await deps.store.create({
          id: randomUUID(), referencePrefix: entry.def.referencePrefix, service: p.service, post: p.post, ownerSub: p.actor, applicant: p.applicant, data: p.data,
          status: 'submitted', history: [{ at, status: 'submitted', actor: p.actor }], outbox: [], correlationId: ctx.meta.correlationId,
        }, { key: p.idempotencyKey, bodySha256 });
        if (created.kind === 'key-conflict') return { conflict: true };
        let request = created.request;
        if (request.status === 'submitted') {
          const plan = (await ctx.call(`${entry.def.handler}.plan`, { service: p.service, post: p.post, applicant: p.applicant, data: p.data })) as SubmissionPlan;
          const documents: DocumentDraft[] = (p.documents ?? []).map((d) => ({ kind: d.kind, filename: d.filename, contentType: d.contentType, content: Buffer.from(d.contentBase64, 'base64') }));
          const moved = await deps.store.transition({
            id: request.id, from: ['submitted'], to: plan.status, outbox: plan.outbox, documents, correlationId: ctx.meta.correlationId,
            history: { at: now().toISOString(), status: plan.status, actor: 'hub', ...(plan.note ? { note: plan.note } : {}) },
          });
          if (moved.kind === 'applied') {
            request = moved.request;
            if (plan.outbox.length) void ctx.emit('hub.outbox.written');
          }
        }
        return { id: request.id, reference: request.reference, status: request.status, replayed: created.kind === 'replayed' };
      },
    },
  };
}
