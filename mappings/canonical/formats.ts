/**
 * The `date` and `date-time` formats of the canonical schemas, checked by hand rather than with
 * ajv-formats: its calendar checks were the largest single cost of mapping a NARSA record, and the
 * mapping engine's date conversions (engine/dates.ts) use the same checks, so "valid date" means one
 * thing everywhere.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1];
}

/** The number written by `length` ASCII digits at `start`, or -1 if one of them is not a digit. */
export function digitsAt(value: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** `yyyy-MM-dd`, a real calendar day (RFC 3339 full-date). */
export function isCanonicalDate(value: string): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const year = digitsAt(value, 0, 4);
  return year >= 0 && isCalendarDate(year, digitsAt(value, 5, 2), digitsAt(value, 8, 2));
}

const RFC3339_TIME = /^T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

/** RFC 3339 date-time with seconds and an offset (what ajv-formats' `date-time` accepts). */
export function isCanonicalDateTime(value: string): boolean {
  return isCanonicalDate(value.slice(0, 10)) && RFC3339_TIME.test(value.slice(10));
}
