/**
 * A clearance still pending 12 hours before the remains are expected at the border is flagged for the post's
 * supervisors. Pure: the clock is passed in.
 */
import { AGENCIES, clearancesOf, type Agency } from './clearances';

export const ESCALATION_HOURS_BEFORE_ARRIVAL = 12;

export interface Escalation { at: string; deadline: string; hoursLeft: number; pending: Agency[] }

/** The escalation due for a request now, or undefined (not yet due, or nothing pending). */
export function escalationDue(expectedArrivalAt: string, results: Record<string, unknown>, now: Date): Escalation | undefined {
  const arrival = Date.parse(expectedArrivalAt);
  if (Number.isNaN(arrival)) return undefined;
  const deadline = arrival - ESCALATION_HOURS_BEFORE_ARRIVAL * 3600_000;
  if (now.getTime() < deadline) return undefined;
  const clearances = clearancesOf(results);
  const pending = AGENCIES.filter((a) => clearances[a]?.status !== 'granted');
  if (pending.length === 0) return undefined;
  return { at: now.toISOString(), deadline: new Date(deadline).toISOString(), hoursLeft: Math.round((arrival - now.getTime()) / 360_000) / 10, pending };
}
