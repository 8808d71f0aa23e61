/**
 * The time left before a request's deadline, computed when the request is read (never stored: a stored
 * "time left" is stale the moment it is written). The catalogue entry says where the deadline is
 * (`deadline.at`: paths into the request, the first that holds a date-time wins, so a corrected value
 * kept in results can come before the submitted one) and in which statuses it still matters. Pure.
 */
import type { ServiceDefinition } from '../../config/catalogue-types';

export interface DeadlineView {
  /** The deadline, as the request holds it (RFC 3339). */
  at: string;
  /** Whole seconds from now to the deadline; negative once it has passed. */
  secondsLeft: number;
}

function read(source: Record<string, unknown>, path: string): unknown {
  let current: unknown = source;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** `{deadline: {at, secondsLeft}}` for the request view, or nothing (no deadline configured, none found, or a status where it no longer matters). */
export function deadlineOf(definition: Pick<ServiceDefinition, 'deadline'> | undefined,
  request: { status: string; data: Record<string, unknown>; results: Record<string, unknown> }, now: Date): { deadline?: DeadlineView } {
  const spec = definition?.deadline;
  if (!spec || (spec.statuses && !spec.statuses.includes(request.status))) return {};
  for (const path of spec.at) {
    const value = read({ data: request.data, results: request.results }, path);
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(at)) return { deadline: { at: value as string, secondsLeft: Math.floor((at - now.getTime()) / 1000) } };
  }
  return {};
}
