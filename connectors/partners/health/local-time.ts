/**
 * Health writes date-times in the local time of Rabat without an offset (health.md); the hub exchanges
 * UTC. Morocco is UTC+1 except during Ramadan (UTC+0), and Node's time-zone data knows the switches.
 *
 * Readings where a local time is not one instant (documented in README.md):
 * - an hour that happens twice (clocks going back before Ramadan): the first occurrence, the earlier instant;
 * - an hour that never happens (clocks going forward after Ramadan): read with the offset in force before
 *   the switch, which lands just after it (02:30 → 02:30Z on the day the clock jumps from 02:00 to 03:00).
 */
export const RABAT_TIME_ZONE = 'Africa/Casablanca';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const HOUR_MS = 3_600_000;

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: RABAT_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** Wall-clock time in Rabat at `instant`, as if it were UTC (ms). */
function wallClock(instant: number): number {
  const parts = Object.fromEntries(formatter.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) + (instant % 1000 + 1000) % 1000;
}

/** `2026-11-20T10:15:00` (Rabat) → `2026-11-20T09:15:00.000Z`; throws RangeError on anything else. */
export function rabatLocalToUtcIso(local: string): string {
  const match = LOCAL.exec(local);
  if (!match) throw new RangeError('not a local date-time yyyy-MM-ddTHH:mm:ss');
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError('not a calendar date-time');
  }
  // The offsets in force around that wall time; each that maps back to it is a candidate instant.
  const offsets = [...new Set([-14, -2, 0, 2, 14].map((h) => wallClock(asUtc + h * HOUR_MS) - (asUtc + h * HOUR_MS)))];
  const candidates = offsets.map((offset) => asUtc - offset).filter((instant) => wallClock(instant) === asUtc).sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]).toISOString();
  // A wall time skipped by a switch forward: the offset before the switch (the smaller one) applies.
  const before = Math.min(...offsets);
  return new Date(asUtc - before).toISOString();
}
