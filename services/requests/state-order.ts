/**
 * Events arrive out of order (a retry of an old event after a newer one, a replay): a state must never
 * be overwritten by an older event. Pure: no I/O, no clock.
 *
 * DGSN's events (dgsn.md) carry no sequence number, only `at` (ISO 8601, UTC) and a `type`; when two
 * events of one transport share the same instant, the one later in the transport's life wins
 * (`TRANSPORT_CLEARANCE` before `BORDER_ARRIVAL`). A `sequence`, when a partner sends one, decides first.
 */

export interface EventStamp {
  /** When the partner says the state was reached, ISO 8601. */
  at: string;
  /** A partner's own monotonic counter, when it has one. */
  sequence?: number;
  type?: string;
}

/** Order of event types within one life, for ties on `at`; unknown types rank lowest. */
export const DGSN_EVENT_RANK: Readonly<Record<string, number>> = { TRANSPORT_CLEARANCE: 1, BORDER_ARRIVAL: 2 };

/**
 * True when `incoming` describes a later state than `current` and should replace it. An incoming
 * event without a readable time never replaces anything; an equal stamp (a duplicate) does not either.
 */
export function isNewerState(current: EventStamp | null | undefined, incoming: EventStamp, rank: Readonly<Record<string, number>> = DGSN_EVENT_RANK): boolean {
  if (current === null || current === undefined) return true;
  if (current.sequence !== undefined && incoming.sequence !== undefined) return incoming.sequence > current.sequence;
  const incomingAt = Date.parse(incoming.at);
  if (Number.isNaN(incomingAt)) return false;
  const currentAt = Date.parse(current.at);
  if (Number.isNaN(currentAt)) return true;
  if (incomingAt !== currentAt) return incomingAt > currentAt;
  const rankOf = (stamp: EventStamp): number => (stamp.type !== undefined ? rank[stamp.type] ?? 0 : 0);
  return rankOf(incoming) > rankOf(current);
}
