/**
 * Which way NARSA verifies a licence: in real time (REST, an answer in seconds) or in the nightly batch
 * (the VERIF file per post, results the next morning). Pure: the submission and the night job (app/narsa-batches)
 * both ask here, so the rule is in one place and tested without sockets.
 *
 * - `urgency` is the applicant's or agent's choice in the request data. Absent means `urgent`: the service has
 *   always answered at once and a citizen who says nothing expects that; `standard` is the opt-in for a file
 *   that can wait a night (a post's backlog entered by an agent, say) and spares NARSA's 10 requests/s.
 * - At night, a request still waiting for its real-time check falls back to the batch when the real-time side
 *   is down beyond its circuit (the breaker is not closed, or the connector is not deployed) or has given up
 *   (the message is in dead letters): otherwise it would wait for an engineer.
 */
export type Urgency = 'urgent' | 'standard';
export const URGENCIES: readonly Urgency[] = ['urgent', 'standard'];
export const DEFAULT_URGENCY: Urgency = 'urgent';

export type VerificationChannel = 'real-time' | 'batch';

/** The request's urgency; the portal has checked the value against the data schema. */
export function urgencyOf(data: Record<string, unknown>): Urgency {
  return data.urgency === 'standard' ? 'standard' : DEFAULT_URGENCY;
}

export function channelAtSubmission(urgency: Urgency): VerificationChannel {
  return urgency === 'standard' ? 'batch' : 'real-time';
}

/**
 * Where the request's real-time message stands, as the night job reads the outbox:
 * `waiting` (pending, not being sent), `in-flight` (claimed by a relay right now), `delivered`, `dead`, or `none`.
 */
export type RealTimeMessageState = 'none' | 'waiting' | 'in-flight' | 'delivered' | 'dead';

export interface NightCandidate {
  urgency: Urgency;
  realTime: RealTimeMessageState;
}

export type BatchReason = 'standard' | 'real-time-down' | 'real-time-gave-up' | 'no-real-time-message';

export type NightChoice =
  | { channel: 'real-time' }
  /** `supersede`: the waiting real-time message must be withdrawn (in the same transaction) so NARSA is not asked twice. */
  | { channel: 'batch'; reason: BatchReason; supersede: boolean };

/** A request awaiting NARSA and in no batch yet: into tonight's file, or left to the real-time path. */
export function channelAtNight(candidate: NightCandidate, realTimeDown: boolean): NightChoice {
  const supersede = candidate.realTime === 'waiting';
  if (candidate.urgency === 'standard') return { channel: 'batch', reason: 'standard', supersede };
  switch (candidate.realTime) {
    case 'dead': return { channel: 'batch', reason: 'real-time-gave-up', supersede: false };
    case 'none': return { channel: 'batch', reason: 'no-real-time-message', supersede: false };
    case 'waiting': return realTimeDown ? { channel: 'batch', reason: 'real-time-down', supersede: true } : { channel: 'real-time' };
    // A call under way, or an answer already in the inbox: the real-time path finishes its work.
    case 'in-flight':
    case 'delivered':
      return { channel: 'real-time' };
  }
}

const BATCH_NOTES: Record<BatchReason, string> = {
  standard: 'licence verification queued for the NARSA night batch (answer expected the next morning)',
  'real-time-down': 'NARSA real-time verification unavailable: the request moves to the NARSA night batch',
  'real-time-gave-up': 'NARSA real-time verification gave up (dead letter): the request moves to the NARSA night batch',
  'no-real-time-message': 'no NARSA real-time verification pending: the request moves to the NARSA night batch',
};

export function batchNote(reason: BatchReason): string {
  return BATCH_NOTES[reason];
}

/** The attestation number printed on the PDF and listed in NARSA's daily ATTEST notice. */
export function attestationNumber(requestReference: string): string {
  return `ATT-${requestReference}`;
}
