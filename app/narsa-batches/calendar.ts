/**
 * Days and names of NARSA's batch files. NARSA works on Moroccan time (its run is at 02:00 Africa/Casablanca), so the
 * day in a file name is the Casablanca calendar day of the moment the hub writes the file.
 */
export const NARSA_TIME_ZONE = 'Africa/Casablanca';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: NARSA_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** `yyyy-MM-dd` in Africa/Casablanca. */
export function narsaDay(instant: Date): string {
  return dayFormat.format(instant);
}

/** The calendar day before `day` (`yyyy-MM-dd`). */
export function dayBefore(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The calendar day after `day` (`yyyy-MM-dd`). */
export function dayAfter(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Days from `first` to `last` inclusive, in order (`yyyy-MM-dd`); empty when `first` is after `last`. */
export function daysFrom(first: string, last: string): string[] {
  const out: string[] = [];
  for (let day = last; day >= first; day = dayBefore(day)) out.unshift(day);
  return out;
}

const compact = (day: string): string => day.replace(/-/g, '');

/** Post codes as narsa.md's pattern allows them (`[A-Z-]+`): the hub's post codes already are (`CG-PARIS`). */
const POST = /^[A-Z-]+$/;

/** `VERIF_<POST>_<yyyyMMdd>_<nnn>.xml` (narsa.md), `nnn` the file's sequence for that post and day, from 001. */
export function verificationFileName(post: string, day: string, sequence: number): string {
  if (!POST.test(post)) throw new Error(`post code "${post}" does not fit NARSA's file name pattern [A-Z-]+`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999) throw new Error(`sequence ${sequence} is outside 001–999 (three digits in NARSA's file name)`);
  return `VERIF_${post}_${compact(day)}_${String(sequence).padStart(3, '0')}.xml`;
}

/** `ATTEST_<yyyyMMdd>.csv` (narsa.md). */
export function attestationNoticeName(day: string): string {
  return `ATTEST_${compact(day)}.csv`;
}

/** Start and end (exclusive) of a Casablanca day as instants, for queries on timestamps. */
export function dayBounds(day: string): { from: Date; to: Date } {
  // Casablanca is UTC+1 or UTC+0 (Ramadan): search a window around the UTC day for the local midnights.
  const midnight = (d: string): Date => {
    const base = Date.parse(`${d}T00:00:00Z`);
    for (let offsetHours = -3; offsetHours <= 3; offsetHours++) {
      const candidate = new Date(base - offsetHours * 3600_000);
      if (narsaDay(candidate) === d && narsaDay(new Date(candidate.getTime() - 1)) !== d) return candidate;
    }
    throw new Error(`no local midnight found for ${d}`);
  };
  return { from: midnight(day), to: midnight(dayAfter(day)) };
}
