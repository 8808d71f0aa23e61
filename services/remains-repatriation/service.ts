import { createHash } from 'node:crypto';
import type { ServiceSchema } from 'moleculer';
import { HubError } from '../../broker/errors';
import type { HubContext } from '../../broker/middlewares/types';
import type { PartnerReply } from '../../broker/inbox/processor';
import type { ConsularPost, ServiceDefinition } from '../../config/catalogue-types';
import type { ActionHookParams, ActionHookResult } from '../requests/action-hook';
import { createSubmissionValidator } from '../requests/data-validation';
import type { RenderedDocument, SubmissionDraft, SubmissionPlan } from '../requests/handler-contract';
import type { OutboxDraft, RequestDetails } from '../requests/ports';
import { canonicalCase, identityQuery, type RepatriationData } from './case-file';
import { AGENCIES, RESULT_KEY, clearancesOf, describe, mergeClearance, verdict, type Agency, type Clearance } from './clearances';
import { escalationDue } from './escalation';
import { clearanceOf, refusedAsk } from './replies';
import { renderRepatriationLaissezPasser } from './laissez-passer';

export const SERVICE = 'remains-repatriation';
const REPLY = `${SERVICE}.clearanceReply`;
/** The ask each agency gets once the deceased's identity is confirmed. */
export const ASKS: Record<Agency, { partner: string; operation: string }> = {
  interior: { partner: 'interior', operation: 'burial.submit' },
  health: { partner: 'health', operation: 'clearance.request' },
  dgsn: { partner: 'dgsn', operation: 'transport.notify' },
};
/** Statuses in which a clearance is still recorded (after them, the file is closed). */
const OPEN = ['awaiting-partners', 'info-requested', 'ready-for-decision', 'approved'];
/** Statuses the clearances move on their own (an agent's decision is not undone by a late word). */
const WAITING = ['awaiting-partners', 'info-requested'];
/** DGSN identity outcomes that confirm who the deceased was (a match, or a person DGSN already records as deceased). */
const IDENTITY_CONFIRMED = ['match', 'deceased'];

interface Found { id: string; reference: string; post: string; status: string; data: Record<string, unknown>; results: Record<string, unknown> }

/** The request's data with the citizen's corrections (kept in results: the submitted data stay as evidence). */
const currentData = (r: { data: Record<string, unknown>; results: Record<string, unknown> }): RepatriationData =>
  (r.results.correctedData ?? r.data) as unknown as RepatriationData;

const sha256 = (base64: string): string => createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');

function asks(agencies: readonly Agency[], reference: string, data: RepatriationData): OutboxDraft[] {
  return agencies.map((a) => ({ ...ASKS[a], payload: canonicalCase(reference, data, sha256, a), replyAction: REPLY }));
}

/** Repatriation of mortal remains: DGSN identity check, then the Interior, Health and DGSN clearances, then the laissez-passer. */
export function createRemainsRepatriationService(deps: { posts: ConsularPost[]; services: ServiceDefinition[]; arabicFont?: Uint8Array; now?: () => Date }): ServiceSchema {
  const now = deps.now ?? (() => new Date());
  const posts = new Map(deps.posts.map((p) => [p.code, p]));
  const definition = deps.services.find((s) => s.code === SERVICE);
  const validate = createSubmissionValidator(definition ? [definition] : []);

  async function find(ctx: HubContext<unknown>, reply: PartnerReply): Promise<Found | undefined> {
    const reference = reply.caseReference;
    if (!reference) return undefined;
    const found = (await ctx.call('requests.byReference', { reference })) as (Found & { service: string }) | null;
    return found && found.service === SERVICE ? found : undefined;
  }

  /** Records `incoming` (if it changes anything) and moves the request as the three clearances now say. */
  async function apply(ctx: HubContext<unknown>, request: Found, incoming: Clearance) {
    if (!OPEN.includes(request.status)) return { applied: false, reason: `request is ${request.status}` };
    const clearances = clearancesOf(request.results);
    const current = clearances[incoming.agency];
    if (incoming.partnerReference && current?.superseded?.includes(incoming.partnerReference)) return { applied: false, reason: 'answer to an ask replaced by a correction' };
    const kept = mergeClearance(current, incoming);
    if (!kept) return { applied: false, reason: 'nothing new' };
    clearances[incoming.agency] = kept;
    const v = WAITING.includes(request.status) ? verdict(clearances) : { to: request.status };
    const to = v.to === 'awaiting-partners' && request.status === 'info-requested' ? 'info-requested' : v.to;
    const note = 'note' in v && to !== request.status ? v.note : describe(kept);
    return ctx.call('requests.transition', {
      id: request.id, from: [request.status], to, actor: incoming.agency, note,
      results: { [RESULT_KEY[incoming.agency]]: kept },
    });
  }

  return {
    name: SERVICE,
    actions: {
      plan: {
        visibility: 'public',
        async handler(ctx: HubContext<SubmissionDraft>): Promise<SubmissionPlan> {
          const data = ctx.params.data as unknown as RepatriationData;
          // Who the deceased was comes first: the three agencies are asked only about a confirmed identity.
          return {
            status: 'awaiting-partners',
            note: "identity of the deceased asked of DGSN; the Interior, Health and DGSN are asked once it is confirmed",
            outbox: [{ partner: 'dgsn', operation: 'identity.verify', payload: identityQuery(data), replyAction: `${SERVICE}.identityResult` }],
          };
        },
      },
      identityResult: {
        visibility: 'public',
        async handler(ctx: HubContext<PartnerReply>) {
          const reply = ctx.params;
          const request = await find(ctx, reply);
          if (!request) return { applied: false };
          if (reply.kind === 'dead-letter') {
            await ctx.call('requests.note', { id: request.id, actor: 'hub', note: `DGSN identity check not delivered (${reply.failure?.code ?? 'error'}): in dead letters, an engineer can replay it` });
            return { applied: false };
          }
          if (request.results.identityCheck) return { applied: false, reason: 'identity already checked' };
          const check = reply.result as { outcome?: string; matchedFields?: string[] } | undefined;
          const outcome = check?.outcome ?? 'unknown';
          if (!IDENTITY_CONFIRMED.includes(outcome)) {
            return ctx.call('requests.transition', { id: request.id, from: ['awaiting-partners'], to: 'rejected', actor: 'dgsn',
              note: `DGSN: the identity of the deceased is not confirmed (${outcome})`, results: { identityCheck: check ?? { outcome } } });
          }
          const data = currentData(request);
          const pending = Object.fromEntries(AGENCIES.map((a) => [RESULT_KEY[a], { agency: a, status: 'pending' } satisfies Clearance]));
          return ctx.call('requests.transition', {
            id: request.id, from: ['awaiting-partners'], to: 'awaiting-partners', actor: 'dgsn',
            note: `DGSN: identity confirmed (${outcome}); burial authorisation, sanitary clearance and transport clearance asked`,
            results: { identityCheck: check, ...pending }, outbox: asks(AGENCIES, request.reference, data),
          });
        },
      },
      /** Every word of the three agencies: acknowledgements, callbacks, feed decisions, events, status polls. Idempotent, order-safe. */
      clearanceReply: {
        visibility: 'public',
        async handler(ctx: HubContext<PartnerReply>) {
          const reply = ctx.params;
          const request = await find(ctx, reply);
          if (!request) return { applied: false, reason: 'no repatriation request with this case reference' };
          const refused = refusedAsk(reply);
          if (refused) return apply(ctx, request, refused);
          if (reply.kind === 'dead-letter') {
            await ctx.call('requests.note', { id: request.id, actor: 'hub', note: `${reply.partner} ${reply.operation} not delivered (${reply.failure?.code ?? 'error'}): in dead letters, an engineer can replay it` });
            return { applied: false };
          }
          const incoming = clearanceOf(reply);
          if (!incoming) return { applied: false, reason: 'not a clearance' };
          return apply(ctx, request, incoming);
        },
      },
      /** The watch job's notice that arrival is near and a clearance is still pending (app/repatriation-watch.ts). */
      escalate: {
        visibility: 'public',
        async handler(ctx: HubContext<PartnerReply>) {
          const request = await find(ctx, ctx.params);
          if (!request || !WAITING.includes(request.status) || request.results.escalation) return { applied: false };
          const data = currentData(request);
          const due = escalationDue(data.transport.expectedArrivalAt, request.results, now());
          if (!due) return { applied: false };
          return ctx.call('requests.transition', {
            id: request.id, from: [request.status], to: request.status, actor: 'hub', results: { escalation: due },
            note: `escalated: ${due.pending.join(', ')} still pending ${due.hoursLeft} h before the expected arrival`,
          });
        },
      },
      /** Catalogue hook of `correct`: the corrected parts replace the submitted ones and are re-sent to the agencies that asked. */
      act: {
        visibility: 'public',
        async handler(ctx: HubContext<ActionHookParams>): Promise<ActionHookResult> {
          const { action, request, data: correction } = ctx.params;
          if (action !== 'correct' || !definition) throw new HubError('INTERNAL', `no hook for "${action}"`);
          const data = { ...currentData(request), ...correction } as RepatriationData;
          validate(definition, request.applicant, data);
          const clearances = clearancesOf(request.results);
          const asked = AGENCIES.filter((a) => clearances[a]?.status === 'needs-info');
          if (asked.length === 0) throw new HubError('ACTION_NOT_ALLOWED', 'no agency is waiting for a correction');
          const reopened = Object.fromEntries(asked.map((a) => {
            const old = clearances[a] as Clearance;
            const superseded = [...(old.superseded ?? []), ...(old.partnerReference ? [old.partnerReference] : [])];
            return [RESULT_KEY[a], { agency: a, status: 'pending', ...(superseded.length ? { superseded } : {}) } satisfies Clearance];
          }));
          return {
            outbox: asks(asked, request.reference, data),
            results: { ...reopened, correctedData: data },
            note: `corrected (${Object.keys(correction).join(', ')}), sent again to ${asked.join(', ')}`,
          };
        },
      },
      render: {
        visibility: 'public',
        async handler(ctx: HubContext<{ kind: string; request: RequestDetails }>): Promise<RenderedDocument> {
          const { kind, request } = ctx.params;
          if (kind !== 'mortuary-laissez-passer') throw new HubError('INTERNAL', `no renderer for "${kind}"`);
          const clearances = clearancesOf(request.results);
          if (!AGENCIES.every((a) => clearances[a]?.status === 'granted')) throw new HubError('ACTION_NOT_ALLOWED', 'the three clearances are not all granted');
          const data = currentData(request);
          const post = posts.get(request.post);
          const pdf = await renderRepatriationLaissezPasser(request, data, clearances as Record<Agency, Clearance>,
            { code: request.post, name: post?.names.fr ?? request.post, timeZone: post?.timeZone }, now(), deps.arabicFont);
          return { filename: `${pdf.number}.pdf`, contentType: 'application/pdf', contentBase64: pdf.bytes.toString('base64') };
        },
      },
    },
  } as ServiceSchema;
}
