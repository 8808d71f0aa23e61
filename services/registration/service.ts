import type { ServiceSchema } from 'moleculer';
import { HubError, type FieldError } from '../../broker/errors';
import type { PartnerReply } from '../../broker/inbox/processor';
import type { HubContext } from '../../broker/middlewares/types';
import type { ConsularPost } from '../../config/catalogue-types';
import type { ActionHookParams, ActionHookResult } from '../requests/action-hook';
import type { SubmissionDraft, SubmissionPlan } from '../requests/handler-contract';
import type { OutboxDraft, RequestDetails } from '../requests/ports';
import { renderRegistrationCard } from '../documents/registration-card-pdf';
import { agenciesFor, applyChanges, changedFields } from './changes';
import { districtError } from './district';
import { localDate } from './local-date';
import { registrationLookupActions } from './lookup-actions';
import { decideOnIdentity, unmatchedFields, type IdentityCheck } from './identity-outcome';
import type { Registration, RegistrationDraft } from './registry-port';
import { canonicalPerson, SERVICES, type NewRegistrationData, type RenewalData, type UpdateData } from './request-data';
import { renewalWindow, renewedValidUntil, validUntilFrom } from './validity';

export const IDENTITY_OPERATION = 'identity.verify';
export const CARD_KIND = 'registration-card';
const REPLY_ACTION = 'registration.identityResult';

function refuse(errors: FieldError[]): never {
  throw new HubError('VALIDATION_FAILED', 'the registration request cannot be accepted', { errors });
}

function identityAsk(person: Parameters<typeof canonicalPerson>[0]): OutboxDraft {
  // The payload is a canonical person; the binding's request mapping keeps what DGSN's check needs.
  return { partner: 'dgsn', operation: IDENTITY_OPERATION, replyAction: REPLY_ACTION, payload: canonicalPerson(person) };
}

/**
 * Consular registration (new, renewal, update): one handler for the three catalogue entries. DGSN checks
 * the identity (a new registration, every renewal, an update that changes identity data); the agent
 * approves; `issue` (a catalogue hook) records the registration in the registry (one per person: the number
 * is kept across posts and renewals) and renders the card, committed with the transition.
 */
export function createRegistrationService(deps: { posts: ConsularPost[]; arabicFont?: Uint8Array; now?: () => Date }): ServiceSchema {
  const now = deps.now ?? (() => new Date());
  const posts = new Map(deps.posts.map((p) => [p.code, p]));
  const today = (post: string) => localDate(now(), posts.get(post)?.timeZone);

  /** The registration named by the request, if it is the applicant's; otherwise a refusal naming the field. */
  async function ownRegistration(ctx: HubContext<unknown>, number: string, cnie: string, post: string): Promise<Registration> {
    const found = (await ctx.call('registrations.find', { number })) as Registration | null;
    // One message for unknown and someone else's: the answer must not reveal that a number exists.
    if (!found || found.person.cnie !== cnie) refuse([{ path: '/data/registrationNumber', message: 'is not a registration of this person' }]);
    if (found.post !== post) refuse([{ path: '/post', message: `is not the post holding this registration (${found.post})` }]);
    return found;
  }

  async function planNew(ctx: HubContext<SubmissionDraft>, data: NewRegistrationData, post: string): Promise<SubmissionPlan> {
    const outside = districtError(posts.get(post), data.residence, '/data/residence');
    if (outside) refuse([outside]);
    const existing = (await ctx.call('registrations.findByCnie', { cnie: data.identity.cnie })) as Registration | null;
    if (existing && existing.post === post) {
      refuse([{ path: '/data/identity/cnie', message: `is already registered at ${post}: renew or update that registration` }]);
    }
    const move = existing ? ` (a move from ${existing.post}: the registration number is kept)` : '';
    return { status: 'awaiting-partners', note: `identity check requested from DGSN${move}`, outbox: [identityAsk(data.identity)] };
  }

  async function planRenewal(ctx: HubContext<SubmissionDraft>, data: RenewalData, post: string): Promise<SubmissionPlan> {
    const registration = await ownRegistration(ctx, data.registrationNumber, data.identity.cnie, post);
    const window = renewalWindow(registration.validUntil, today(post));
    if (!window.renewable) refuse([{ path: '/data/registrationNumber', message: window.message }]);
    return { status: 'awaiting-partners', note: `renewal of a registration valid until ${registration.validUntil}: identity check requested from DGSN`, outbox: [identityAsk(data.identity)] };
  }

  async function planUpdate(ctx: HubContext<SubmissionDraft>, data: UpdateData, post: string): Promise<SubmissionPlan> {
    const registration = await ownRegistration(ctx, data.registrationNumber, data.cnie, post);
    if (data.changes.residence) {
      const outside = districtError(posts.get(post), data.changes.residence, '/data/changes/residence');
      if (outside) refuse([{ ...outside, message: `${outside.message} (the registration number is kept)` }]);
    }
    const changes = changedFields(registration, data.changes);
    if (changes.length === 0) refuse([{ path: '/data/changes', message: 'changes nothing: every field sent has its registered value' }]);
    const fields = changes.map((c) => c.field).join(', ');
    if (agenciesFor(changes).includes('dgsn')) {
      const next = applyChanges(registration, changes);
      return { status: 'awaiting-partners', note: `changed: ${fields}; identity data changed: identity check requested from DGSN`, outbox: [identityAsk(next.person)] };
    }
    return { status: 'ready-for-decision', note: `changed: ${fields}; no agency needs these changes`, outbox: [] };
  }

  /** The registration as `issue` records it, from the request and (renewal, update) the registry. */
  async function draftFor(ctx: HubContext<unknown>, request: RequestDetails): Promise<{ draft: RegistrationDraft; verb: string }> {
    const day = today(request.post);
    if (request.service === SERVICES.new) {
      const data = request.data as unknown as NewRegistrationData;
      // Whoever submitted the registration owns it (a move included: the person registered again, at the new post).
      return { verb: 'registered', draft: { post: request.post, status: 'active', person: data.identity, residence: data.residence, household: data.household ?? [],
        ...(data.profession ? { profession: data.profession } : {}), registeredOn: day, validUntil: validUntilFrom(day), lastRequestReference: request.reference,
        ownerSub: request.ownerSub } };
    }
    const number = String(request.data.registrationNumber);
    const current = (await ctx.call('registrations.find', { number })) as Registration | null;
    if (!current) throw new HubError('ACTION_NOT_ALLOWED', 'the registration is no longer in the registry');
    // A repeated `issue` (after a failed transition) finds its own change already recorded: it is not applied twice.
    const applied = current.lastRequestReference === request.reference;
    // A renewal or update keeps the owner; a registration recorded without one gets the submitter, who proved it is theirs
    // (number, CNIE, DGSN for identity data, an agent's approval).
    const ownerSub = current.ownerSub ?? request.ownerSub;
    if (request.service === SERVICES.renewal) {
      const validUntil = applied ? current.validUntil : renewedValidUntil(current.validUntil, day);
      return { verb: 'renewed', draft: { ...current, validUntil, lastRequestReference: request.reference, ownerSub } };
    }
    const data = request.data as unknown as UpdateData;
    const next = applied ? current : applyChanges(current, changedFields(current, data.changes));
    return { verb: 'updated', draft: { ...next, lastRequestReference: request.reference, ownerSub } };
  }

  return {
    name: 'registration',
    actions: {
      ...registrationLookupActions({ today }),
      plan: {
        visibility: 'public',
        async handler(ctx: HubContext<SubmissionDraft>): Promise<SubmissionPlan> {
          const { service, post, data } = ctx.params;
          if (service === SERVICES.new) return planNew(ctx, data as unknown as NewRegistrationData, post);
          if (service === SERVICES.renewal) return planRenewal(ctx, data as unknown as RenewalData, post);
          if (service === SERVICES.update) return planUpdate(ctx, data as unknown as UpdateData, post);
          throw new HubError('INTERNAL', `the registration handler does not serve "${service}"`);
        },
      },
      identityResult: {
        visibility: 'public',
        async handler(ctx: HubContext<PartnerReply>) {
          const reply = ctx.params;
          if (!reply.requestId) return { applied: false };
          if (reply.kind === 'dead-letter') {
            await ctx.call('requests.note', { id: reply.requestId, actor: 'hub',
              note: `DGSN identity check not delivered (${reply.failure?.code ?? 'error'}): in dead letters, an engineer can replay it` });
            return { applied: false };
          }
          const check = reply.result as IdentityCheck;
          const decision = decideOnIdentity(check);
          // Conditional on `awaiting-partners`: an answer applied twice (redelivery) changes nothing the second time.
          return ctx.call('requests.transition', {
            id: reply.requestId, from: ['awaiting-partners'], to: decision.to, actor: 'dgsn', note: decision.note,
            results: { identityCheck: { ...check, unmatchedFields: unmatchedFields(check), reference: reply.messageId, checkedAt: now().toISOString() } },
          });
        },
      },
      /** The `issue` hook: records the registration and renders the card; both commit with the transition. */
      act: {
        visibility: 'public',
        async handler(ctx: HubContext<ActionHookParams>): Promise<ActionHookResult> {
          const { action, request } = ctx.params;
          if (action !== 'issue') throw new HubError('INTERNAL', `the registration handler has no hook for "${action}"`);
          const { draft, verb } = await draftFor(ctx, request);
          const saved = (await ctx.call('registrations.save', { draft })) as Registration;
          const post = posts.get(saved.post);
          const pdf = await renderRegistrationCard({
            number: saved.number, issuedAt: now().toISOString(),
            post: { code: saved.post, name: post?.names.fr ?? saved.post, ...(post?.timeZone ? { timeZone: post.timeZone } : {}) },
            person: saved.person, residence: saved.residence, household: saved.household, ...(saved.profession ? { profession: saved.profession } : {}),
            registeredOn: saved.registeredOn, validUntil: saved.validUntil,
          }, deps.arabicFont ? { arabicFont: deps.arabicFont } : {});
          return {
            note: `registration ${saved.number} ${verb}, valid until ${saved.validUntil}`,
            results: { registration: { number: saved.number, post: saved.post, registeredOn: saved.registeredOn, validUntil: saved.validUntil } },
            documents: [{ kind: CARD_KIND, filename: `${saved.number}.pdf`, contentType: 'application/pdf', contentBase64: pdf.toString('base64') }],
          };
        },
      },
    },
  } as ServiceSchema;
}
