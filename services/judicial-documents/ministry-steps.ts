/**
 * The order of what the Ministry of Justice hears about a pli (justice.md: "Statuses must reach the Ministry in the
 * order they happened"). One message to the Ministry is in flight at a time: the request sits in `awaiting-partners`
 * while it is, and the next message is planned only when the Ministry acknowledged it (the reply action moves the
 * request on). An older status can therefore never follow a newer one — through retries (same message id), dead
 * letters (the chain waits for the replay) and restarts (the state is the request's, in the database).
 */
export type JudicialStatus = 'received-at-post' | 'addressee-summoned' | 'served' | 'not-served' | 'returned';
export type MinistryStep = JudicialStatus | 'certificate';

export interface MinistryLog {
  /** What is in flight now; absent at intake, when RECU_POSTE is (the plan cannot write results). */
  inFlight?: MinistryStep;
  sent: Array<{ step: MinistryStep; at: string }>;
  /** `receivedAt`: the Ministry's time of reception (its Ack, mapped by justice/ack.in); absent in acks recorded before that mapping. */
  acks: Array<{ step: MinistryStep; messageId: string; receivedAt?: string }>;
}

export const STATUS_OPERATION = 'pli.status';
export const CERTIFICATE_OPERATION = 'pli.certificate';
export const ACK_ACTION = 'judicial-documents.ministryAck';

export function ministryLog(results: Record<string, unknown>, intakeAt?: string): MinistryLog {
  const log = results.ministry as MinistryLog | undefined;
  return log ?? { inFlight: 'received-at-post', sent: intakeAt ? [{ step: 'received-at-post', at: intakeAt }] : [], acks: [] };
}

/** The canonical outbox message of a status (mapped to NotifierStatut by justice/pli-status.out.yaml). */
export function statusMessage(pliId: string, status: JudicialStatus, at: string, comment?: string) {
  return { partner: 'justice', operation: STATUS_OPERATION, replyAction: ACK_ACTION, payload: { pliId, status, at, ...(comment ? { comment } : {}) } };
}

/** Where the request goes once the Ministry acknowledged `step`; `certificate` after a served/not-served status. */
export function afterAck(step: MinistryStep): { to: string; next?: 'certificate'; note: string } {
  switch (step) {
    case 'received-at-post': return { to: 'in-review', note: 'the Ministry acknowledged RECU_POSTE' };
    case 'addressee-summoned': return { to: 'awaiting-appointment', note: 'the Ministry acknowledged DESTINATAIRE_CONVOQUE' };
    case 'served': return { to: 'awaiting-partners', next: 'certificate', note: 'the Ministry acknowledged SIGNIFIE; certificate of service sent' };
    case 'not-served': return { to: 'awaiting-partners', next: 'certificate', note: 'the Ministry acknowledged NON_SIGNIFIE; certificate of service sent' };
    case 'certificate': return { to: 'ready-for-decision', note: 'the Ministry acknowledged the certificate of service: the pli may be returned' };
    case 'returned': return { to: 'completed', note: 'the Ministry acknowledged RETOURNE' };
  }
}

/** The operation that carries a step: a reply of another operation is not the acknowledgement of that step. */
export const operationOf = (step: MinistryStep): string => (step === 'certificate' ? CERTIFICATE_OPERATION : STATUS_OPERATION);
