import type { ServiceSchema } from 'moleculer';
import { HubError } from '../../broker/errors';
import type { HubContext } from '../../broker/middlewares/types';
import type { PartnerReply } from '../../broker/inbox/processor';
import type { ConsularPost } from '../../config/catalogue-types';
import { renderLicenceAttestation } from '../documents/licence-attestation-pdf';
import type { RenderedDocument, SubmissionDraft, SubmissionPlan } from '../requests/handler-contract';
import type { RequestDetails } from '../requests/ports';
import { decideOnVerification, type VerificationOutcome } from './verification-outcome';
import { attestationNumber, batchNote, channelAtSubmission, urgencyOf } from './verification-channel';

export const VERIFY_OPERATION = 'licence.verify';

interface LicenceData { licenceNumber: string; holder: { cnie: string; familyName: string; givenNames: string; birthDate: string }; purpose: string; destinationCountry: string; urgency?: string }
interface LicenceVerification {
  outcome: VerificationOutcome; licenceNumber?: string; categories?: Array<{ code: string }>; issuedOn?: string; expiresOn?: string;
  holder?: { familyNameAr?: string; givenNamesAr?: string };
}

function arabicNames(fromPartner: LicenceVerification['holder'], applicant: Record<string, unknown>): { familyNameAr?: string; givenNamesAr?: string } {
  const pick = (a: unknown, b: unknown): string | undefined => (typeof a === 'string' ? a : typeof b === 'string' ? b : undefined);
  const familyNameAr = pick(fromPartner?.familyNameAr, applicant.familyNameAr);
  const givenNamesAr = pick(fromPartner?.givenNamesAr, applicant.givenNamesAr);
  return { ...(familyNameAr ? { familyNameAr } : {}), ...(givenNamesAr ? { givenNamesAr } : {}) };
}

/**
 * Driving-licence authentication: NARSA verifies the licence in real time (urgent, the default) or in its night
 * batch (standard; app/narsa-batches builds the file), then the agent issues the attestation.
 */
export function createLicenceAuthenticationService(deps: { posts: ConsularPost[]; arabicFont?: Uint8Array; now?: () => Date }): ServiceSchema {
  const now = deps.now ?? (() => new Date());
  const postNames = new Map(deps.posts.map((p) => [p.code, p.names.fr]));
  return {
    name: 'licence-authentication',
    actions: {
      plan: {
        visibility: 'public',
        async handler(ctx: HubContext<SubmissionDraft>): Promise<SubmissionPlan> {
          const data = ctx.params.data as unknown as LicenceData;
          if (channelAtSubmission(urgencyOf(ctx.params.data)) === 'batch') {
            // Nothing in the outbox: the night job picks up requests awaiting NARSA that no message serves.
            return { status: 'awaiting-partners', note: batchNote('standard'), outbox: [] };
          }
          // NARSA needs the licence and the holder's identifiers, nothing else (outbound data are minimal).
          return {
            status: 'awaiting-partners',
            note: 'licence verification requested from NARSA',
            outbox: [{ partner: 'narsa', operation: VERIFY_OPERATION, replyAction: 'licence-authentication.verificationResult',
              payload: { licenceNumber: data.licenceNumber, holder: { cnie: data.holder.cnie, birthDate: data.holder.birthDate } } }],
          };
        },
      },
      verificationResult: {
        visibility: 'public',
        async handler(ctx: HubContext<PartnerReply>) {
          const reply = ctx.params;
          if (!reply.requestId) return { applied: false };
          if (reply.kind === 'dead-letter') {
            await ctx.call('requests.note', { id: reply.requestId, actor: 'hub',
              note: `NARSA verification not delivered (${reply.failure?.code ?? 'error'}): in dead letters; the next NARSA night batch verifies it unless an engineer replays it first` });
            return { applied: false };
          }
          const result = reply.result as LicenceVerification;
          const decision = decideOnVerification(result.outcome);
          const applied = (await ctx.call('requests.transition', {
            id: reply.requestId, from: ['awaiting-partners'], to: decision.to, actor: 'narsa', note: decision.note,
            results: { licenceVerification: { ...result, reference: reply.messageId, verifiedAt: now().toISOString() } },
          })) as { applied: boolean; status?: string };
          // A second answer (the batch after a real-time answer, a result file NARSA wrote again with other bytes):
          // the inbox keeps it, the request's history says so, the first decision stands.
          if (!applied.applied && applied.status !== undefined) {
            await ctx.call('requests.note', { id: reply.requestId, actor: 'narsa',
              note: `NARSA answered again (${result.outcome}) for a request already ${applied.status}: recorded, not applied` });
          }
          return applied;
        },
      },
      render: {
        visibility: 'public',
        async handler(ctx: HubContext<{ kind: string; request: RequestDetails }>): Promise<RenderedDocument> {
          const { kind, request } = ctx.params;
          if (kind !== 'licence-attestation') throw new HubError('INTERNAL', `no renderer for "${kind}"`);
          const data = request.data as unknown as LicenceData;
          const verification = request.results.licenceVerification as (LicenceVerification & { reference: string; verifiedAt: string }) | undefined;
          if (!verification || verification.outcome !== 'valid') throw new HubError('ACTION_NOT_ALLOWED', 'the licence has not been verified as valid');
          const number = attestationNumber(request.reference);
          const pdf = await renderLicenceAttestation({
            attestationNumber: number, issuedAt: now().toISOString(),
            post: { code: request.post, name: postNames.get(request.post) ?? request.post },
            // The Arabic civil-status spelling is authoritative: NARSA's, when it has it, over what the applicant typed.
            holder: { familyName: data.holder.familyName, givenNames: data.holder.givenNames, birthDate: data.holder.birthDate,
              ...arabicNames(verification.holder, request.applicant) },
            licence: { number: data.licenceNumber, categories: (verification.categories ?? []).map((c) => c.code), issuedOn: verification.issuedOn,
              expiresOn: verification.expiresOn, status: verification.outcome },
            verification: { reference: verification.reference, verifiedAt: verification.verifiedAt },
            destinationCountry: data.destinationCountry, purpose: data.purpose,
          }, deps.arabicFont ? { arabicFont: deps.arabicFont } : {});
          return { filename: `${number}.pdf`, contentType: 'application/pdf', contentBase64: pdf.toString('base64') };
        },
      },
    },
  } as ServiceSchema;
}
