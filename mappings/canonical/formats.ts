/**
 * How the canonical schemas' string checks are made. The `date` and `date-time` formats are checked by
 * hand rather than with ajv-formats: its calendar checks were the largest single cost of mapping a
 * NARSA record, and the mapping engine's date conversions (engine/dates.ts) use the same checks, so
 * "valid date" means one thing everywhere. String lengths: see `lengthCountingOptions`.
 */
import type { Options } from 'ajv';

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
    // Past the end charCodeAt gives NaN, which no comparison catches: test for the digits instead.
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The first ten characters are `yyyy-MM-dd`, a real calendar day (whatever follows). */
function startsWithCalendarDate(value: string): boolean {
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const year = digitsAt(value, 0, 4);
  return year >= 0 && isCalendarDate(year, digitsAt(value, 5, 2), digitsAt(value, 8, 2));
}

/** `yyyy-MM-dd`, a real calendar day (RFC 3339 full-date). */
export function isCanonicalDate(value: string): boolean {
  return value.length === 10 && startsWithCalendarDate(value);
}

/** A two-digit field at `start` whose value is at most `max`. */
function fieldAt(value: string, start: number, max: number): boolean {
  const n = digitsAt(value, start, 2);
  return n >= 0 && n <= max;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * RFC 3339 date-time with seconds and an offset (what ajv-formats' `date-time` accepts):
 * `yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm)`, `T` and `Z` in either case, second 60 allowed (leap
 * second). Read with charCodeAt, without slicing or a regex: every NARSA record carries one.
 */
export function isCanonicalDateTime(value: string): boolean {
  const length = value.length;
  if (length < 20 || !startsWithCalendarDate(value)) return false;
  const t = value.charCodeAt(10);
  if (t !== 84 && t !== 116) return false; // T or t
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return false; // the two ':'
  if (!fieldAt(value, 11, 23) || !fieldAt(value, 14, 59) || !fieldAt(value, 17, 60)) return false;
  let i = 19;
  if (value.charCodeAt(i) === 46) { // '.' and at least one digit
    const first = ++i;
    while (i < length && isDigit(value.charCodeAt(i))) i++;
    if (i === first) return false;
  }
  const zone = value.charCodeAt(i);
  if (zone === 90 || zone === 122) return i + 1 === length; // Z or z
  if (zone !== 43 && zone !== 45) return false; // + or -
  return i + 6 === length && value.charCodeAt(i + 3) === 58 && fieldAt(value, i + 1, 23) && fieldAt(value, i + 4, 59);
}

/**
 * ajv options for counting string lengths in `schemas`. By default ajv counts code points
 * (`ucs2length`, a loop over every character of every string with a length bound: about 7 % of the
 * CPU time of mapping a NARSA record, whose names and numbers all carry `minLength: 1`).
 * `unicode: false` makes it compare `string.length` (UTF-16 code units) instead. For a `minLength` of
 * 0 or 1 the two counts give the same answer (a string has at least one code point exactly when it
 * has at least one code unit), so the option is set only when every length bound in the schemas is
 * such a `minLength`; a `maxLength`, or a larger `minLength`, keeps ajv's code-point counting (a
 * character outside the BMP, e.g. some CJK names, is two code units). ajv 8 marks the option
 * deprecated and warns once per instance: that one warning is not repeated; if a later ajv drops the
 * option, it counts code points again, which is correct, only slower.
 */
export function lengthCountingOptions(schemas: readonly unknown[]): Pick<Options, 'unicode' | 'logger'> {
  if (!schemas.every(onlyEmptinessBounds)) return {};
  const warn = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].startsWith('DEPRECATED: option unicode')) return;
    console.warn(...args);
  };
  return { unicode: false, logger: { log: console.log, warn, error: console.error } };
}

/** True if no `maxLength` appears and every `minLength` is 0 or 1, at any depth. */
export function onlyEmptinessBounds(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(onlyEmptinessBounds);
  if (typeof schema !== 'object' || schema === null) return true;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'maxLength') return false;
    if (key === 'minLength' && value !== 0 && value !== 1) return false;
    if (!onlyEmptinessBounds(value)) return false;
  }
  return true;
}
