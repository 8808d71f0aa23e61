/**
 * Date conversions named in mapping files (`date: <format>`). Dates come out as canonical
 * `yyyy-MM-dd`; date-times as UTC ISO 8601 (`2026-01-15T09:30:00.000Z`). Every input is checked
 * against the calendar, because `Date` silently rolls 2023-02-30 over to March.
 * A conversion returns undefined for an input it rejects; the message never repeats the value, which
 * may be a birth date (personal data must not reach logs).
 * Written with charCodeAt rather than regexes and Date objects: a batch converts millions of dates.
 */
import { digitsAt, isCalendarDate, isCanonicalDate } from '../canonical/formats';

export type DateConversion = (value: string) => string | undefined;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** A date whose year, month and day sit at fixed offsets, with `separator` at the given positions. */
function fixedLayout(length: number, at: { y: number; m: number; d: number }, separatorPositions: number[], separator: string): DateConversion {
  const code = separator.charCodeAt(0);
  return (value) => {
    if (value.length !== length) return undefined;
    for (const position of separatorPositions) if (value.charCodeAt(position) !== code) return undefined;
    const year = digitsAt(value, at.y, 4);
    const month = digitsAt(value, at.m, 2);
    const day = digitsAt(value, at.d, 2);
    if (year < 0 || !isCalendarDate(year, month, day)) return undefined;
    return `${value.slice(at.y, at.y + 4)}-${pad2(month)}-${pad2(day)}`;
  };
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** The instant of a matched ISO date-time, from its fields (Date.UTC is far cheaper than parsing the string again). */
function instantOf(match: RegExpExecArray, value: string): number {
  const fraction = value.indexOf('.') > 0 ? Number(`0${value.slice(value.indexOf('.'), value.search(/[Zz+-](?=[^.]*$)/))}`) : 0;
  const zone = match[7];
  const offsetMinutes = zone === 'Z' || zone === 'z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6] ?? 0), Math.floor(fraction * 1000))
    - offsetMinutes * 60_000;
}

/** An ISO date-time with its offset; one without an offset is rejected, since its instant is unknown. */
const convertIsoDateTime: DateConversion = (value) => {
  // Already canonical (the usual case for our own timestamps): check the date, keep the string.
  if (value.length === 24 && CANONICAL_UTC.test(value)) return isCanonicalDate(value.slice(0, 10)) ? value : undefined;
  const match = ISO_DATE_TIME.exec(value);
  if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) return undefined;
  return new Date(instantOf(match, value)).toISOString();
};

// The records of one batch file usually share their time stamps: remember the last conversion.
let lastIsoInput: string | undefined;
let lastIsoOutput: string | undefined;
const isoDateTimeToUtc: DateConversion = (value) => {
  if (value !== lastIsoInput) { lastIsoOutput = convertIsoDateTime(value); lastIsoInput = value; }
  return lastIsoOutput;
};

export const DATE_CONVERSIONS: Readonly<Record<string, DateConversion>> = {
  // The output is the input; the check is the point: a partner's "1990-4-12" or "1990-02-30" is an error.
  'yyyy-MM-dd': (value) => (isCanonicalDate(value) ? value : undefined),
  'dd/MM/yyyy': fixedLayout(10, { y: 6, m: 3, d: 0 }, [2, 5], '/'),
  yyyyMMdd: fixedLayout(8, { y: 0, m: 4, d: 6 }, [], '-'),
  'iso-date-time': isoDateTimeToUtc,
};

export const DATE_FORMATS = Object.keys(DATE_CONVERSIONS);
