import type { ServiceSchema } from 'moleculer';
import { HubError } from '../../broker/errors';
import type { HubContext } from '../../broker/middlewares/types';
import type { PartnerReply } from '../../broker/inbox/processor';
import type { ConsularPost } from '../../config/catalogue-types';
import type { Exchange, JudicialDocument } from '../../mappings/canonical/types';
import { renderServiceCertificate } from '../documents/service-certificate-pdf';
import type { ActionHookParams, ActionHookResult } from '../requests/action-hook';
import type { SubmissionDraft, SubmissionPlan } from '../requests/handler-contract';
import {
  ACK_ACTION, afterAck, CERTIFICATE_OPERATION, ministryLog, operationOf, statusMessage, type MinistryLog, type MinistryStep,
} from './ministry-steps';

export const SERVICE = 'judicial-documents';
/** What the lot intake puts in the inbox for an accepted pli (operation `lot.pli`). */
export interface PliIntake { document: JudicialDocument; post: string; pieces: Array<{ fileName: string; contentBase64: string }> }
type ServiceRecord = NonNullable<JudicialDocument['serviceOutcome']> & { recordedAt: string; recordedBy: string };
interface RequestView { id: string; reference: string; post: string; status: string; data: Record<string, unknown>; results: Record<string, unknown>; createdAt?: string }

function applicantOf(d: JudicialDocument): Record<string, unknown> {
  const a = d.addressee;
  const address: Record<string, unknown> = { ...a.address };
  return {
    familyName: a.familyName, givenNames: a.givenNames, ...(a.familyNameAr ? { familyNameAr: a.familyNameAr } : {}), ...(a.givenNamesAr ? { givenNamesAr: a.givenNamesAr } : {}),
    ...(a.birthDate ? { birthDate: a.birthDate } : {}), ...(a.cnie ? { cnie: a.cnie } : {}),
    address: Object.fromEntries(Object.entries({ line1: address.line1, line2: address.line2, postalCode: address.postalCode, city: address.city, country: address.country })
      .filter(([, v]) => typeof v === 'string')),
  };
}

/** Judicial documents to serve: opened from the Ministry's lots, served by the post, each step reported to the Ministry in order. */
export function createJudicialDocumentsService(deps: { posts: ConsularPost[]; arabicFont?: Uint8Array; now?: () => Date }): ServiceSchema {
  const now = deps.now ?? (() => new Date());
  const posts = new Map(deps.posts.map((p) => [p.code, p]));

  async function certificate(request: { reference: string; post: string; data: Record<string, unknown> }, record: ServiceRecord): Promise<Buffer> {
    const d = request.data as unknown as JudicialDocument;
    const post = posts.get(request.post);
    const address = d.addressee.address;
    return renderServiceCertificate({
      certificateNumber: `CS-${request.reference}`, madeAt: record.recordedAt,
      post: { code: request.post, name: post?.names.fr ?? request.post, timeZone: post?.timeZone },
      request: { pliId: d.pliId, caseNumber: d.caseNumber, court: `${d.court.name}, ${d.court.address}`, nature: d.nature, summary: d.summary,
        documents: d.documents.map((doc) => doc.fileName ?? doc.sha256) },
      addressee: { familyName: d.addressee.familyName, givenNames: d.addressee.givenNames, familyNameAr: d.addressee.familyNameAr, givenNamesAr: d.addressee.givenNamesAr,
        address: [address.line1, address.line2, [address.postalCode, address.city].filter(Boolean).join(' '), address.country].filter(Boolean).join(', ') },
      outcome: record, agent: record.recordedBy,
    }, deps.arabicFont ? { arabicFont: deps.arabicFont } : {});
  }

  const outcomeOf = (r: ServiceRecord): Record<string, unknown> => {
    const { recordedAt: _at, recordedBy: _by, ...outcome } = r;
    return outcome;
  };

  return {
    name: SERVICE,
    actions: {
      /** At intake (createFromPartner): received at the post; RECU_POSTE leaves first. */
      plan: {
        visibility: 'public',
        async handler(ctx: HubContext<SubmissionDraft>): Promise<SubmissionPlan> {
          const d = ctx.params.data as unknown as JudicialDocument;
          return { status: 'awaiting-partners', note: 'received at the post; RECU_POSTE sent to the Ministry',
            outbox: [statusMessage(d.pliId, 'received-at-post', now().toISOString())] };
        },
      },
      /** An accepted pli of a lot (inbox, operation lot.pli): one request per IdPli, at the post of the address. */
      receivePli: {
        visibility: 'public',
        async handler(ctx: HubContext<PartnerReply>) {
          const intake = ctx.params.result as PliIntake;
          if (!intake?.document?.pliId || !intake.post) throw new HubError('VALIDATION_FAILED', 'a pli intake needs document.pliId and post');
          const d = intake.document;
          const byName = new Map(intake.pieces.map((p) => [p.fileName, p]));
          // A request holds one document of a kind: the second piece of a pli is judicial-act-2, and so on.
          const documents = d.documents.flatMap((doc) => {
            const piece = doc.fileName ? byName.get(doc.fileName) : undefined;
            return piece ? [{ filename: piece.fileName, contentType: 'application/pdf', contentBase64: piece.contentBase64 }] : [];
          }).map((doc, i) => ({ kind: i === 0 ? 'judicial-act' : `judicial-act-${i + 1}`, ...doc }));
          return ctx.call('requests.createFromPartner', {
            service: SERVICE, post: intake.post, actor: 'justice', idempotencyKey: `pli:${d.pliId}`,
            applicant: applicantOf(d), data: { ...d, post: intake.post }, documents,
          });
        },
      },
      /** The catalogue's hooked actions: what each tells the Ministry, committed with the status change. */
      act: {
        visibility: 'public',
        async handler(ctx: HubContext<ActionHookParams>): Promise<ActionHookResult> {
          const { action, request, data, actor } = ctx.params;
          const d = request.data as unknown as JudicialDocument;
          const at = now().toISOString();
          const log = ministryLog(request.results);
          const sending = (step: MinistryStep): MinistryLog => ({ ...log, inFlight: step, sent: [...log.sent, { step, at }] });
          if (action === 'summon') {
            return { outbox: [statusMessage(d.pliId, 'addressee-summoned', at)], results: { ministry: sending('addressee-summoned'), ...(data.appointmentAt ? { summons: { appointmentAt: data.appointmentAt, at } } : {}) } };
          }
          if (action === 'record-service') {
            const record = { ...(data as unknown as NonNullable<JudicialDocument['serviceOutcome']>), recordedAt: at, recordedBy: actor } as ServiceRecord;
            const status = record.result === 'not-served' ? 'not-served' : 'served';
            const pdf = await certificate(request, record);
            return {
              outbox: [statusMessage(d.pliId, status, at)],
              results: { ministry: sending(status), serviceRecord: record },
              documents: [{ kind: 'service-certificate', filename: `CS-${request.reference}.pdf`, contentType: 'application/pdf', contentBase64: pdf.toString('base64') }],
            };
          }
          if (action === 'complete') return { outbox: [statusMessage(d.pliId, 'returned', at)], results: { ministry: sending('returned') } };
          throw new HubError('INTERNAL', `no hook for the action "${action}"`);
        },
      },
      /** The Ministry's Ack (or a dead letter) of the message in flight: record it and plan the next one. */
      ministryAck: {
        visibility: 'public',
        async handler(ctx: HubContext<PartnerReply>) {
          const reply = ctx.params;
          if (!reply.caseReference) return { applied: false };
          const request = (await ctx.call('requests.byReference', { reference: reply.caseReference })) as RequestView | null;
          if (!request) return { applied: false };
          if (reply.kind === 'dead-letter') {
            await ctx.call('requests.note', { id: request.id, actor: 'hub',
              note: `message to the Ministry not delivered (${reply.failure?.code ?? 'error'}): in dead letters; the next status waits until it is replayed and acknowledged` });
            return { applied: false };
          }
          const log = ministryLog(request.results);
          const step = log.inFlight;
          // Applied once: a repeated or stale acknowledgement finds nothing in flight for its operation.
          if (request.status !== 'awaiting-partners' || !step || operationOf(step) !== reply.operation) return { applied: false };
          // The Ack as justice/ack.in maps it (canonical exchange): `at` is when the Ministry took the message in, UTC.
          const ack = reply.result as Exchange;
          const acked: MinistryLog = { ...log, inFlight: undefined, acks: [...log.acks, { step, messageId: reply.messageId, receivedAt: ack.at }] };
          const next = afterAck(step);
          const outbox = [];
          if (next.next === 'certificate') {
            const record = request.results.serviceRecord as ServiceRecord;
            const pdf = await certificate(request, record);
            outbox.push({ partner: 'justice', operation: CERTIFICATE_OPERATION, replyAction: ACK_ACTION,
              payload: { pliId: (request.data as unknown as JudicialDocument).pliId, outcome: outcomeOf(record), certificatePdf: pdf.toString('base64') } });
            acked.inFlight = 'certificate';
            acked.sent = [...acked.sent, { step: 'certificate', at: now().toISOString() }];
          }
          return ctx.call('requests.transition', { id: request.id, from: ['awaiting-partners'], to: next.to, actor: 'justice', note: next.note,
            results: { ministry: acked }, ...(outbox.length ? { outbox } : {}) });
        },
      },
    },
  } as ServiceSchema;
}
