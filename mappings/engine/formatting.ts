/**
 * Outbound formats (`format:` in a mapping rule): a canonical date or date-time written the way a
 * partner's contract spells it. The input is checked first (a canonical `yyyy-MM-dd` that is a real
 * calendar day; an RFC 3339 date-time with its offset), so a wrong value is an error, never a
 * plausible-looking date sent to an agency. A formatter returns undefined for an input it rejects; the
 * caller's message never repeats the value (it may be a birth date).
 */
import { isCanonicalDate, isCanonicalDateTime } from '../canonical/formats';
import { DATE_CONVERSIONS } from './dates';

export type Formatter = (value: string) => string | undefined;

/** Formats of a canonical date (`yyyy-MM-dd`). */
const DATE_FORMATTERS: Readonly<Record<string, Formatter>> = {
  'yyyy-MM-dd': (value) => (isCanonicalDate(value) ? value : undefined),
  'dd/MM/yyyy': (value) => (isCanonicalDate(value) ? `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}` : undefined),
  yyyyMMdd: (value) => (isCanonicalDate(value) ? `${value.slice(0, 4)}${value.slice(5, 7)}${value.slice(8, 10)}` : undefined),
};

/** Formats of a canonical date-time (RFC 3339 with an offset). */
export const DATE_TIME_FORMATS = ['local-date-time', 'iso-date-time', 'dd/MM/yyyy HH:mm'] as const;

export const OUTPUT_FORMATS: readonly string[] = [...Object.keys(DATE_FORMATTERS), ...DATE_TIME_FORMATS];

const toUtc = DATE_CONVERSIONS['iso-date-time'];

/** A canonical date-time → UTC `yyyy-MM-ddTHH:mm:ss.SSSZ`. */
const isoDateTime: Formatter = (value) => (isCanonicalDateTime(value) ? toUtc(value) : undefined);

/**
 * Compiles the formatter of a rule, once at load. Throws an Error whose message is for the mapping
 * author (unknown format, missing or unknown time zone).
 */
export function compileFormatter(format: string, timeZone: string | undefined): Formatter {
  const dateFormatter = Object.prototype.hasOwnProperty.call(DATE_FORMATTERS, format) ? DATE_FORMATTERS[format] : undefined;
  if (dateFormatter || format === 'iso-date-time') {
    if (timeZone !== undefined) throw new Error(`timeZone: goes with format: local-date-time, not ${format}`);
    return dateFormatter ?? isoDateTime;
  }
  // The Interior's date-time (interior.md: `dd/MM/yyyy HH:mm`, Africa/Casablanca local time): local-date-time, day first, to the minute.
  if (format === 'dd/MM/yyyy HH:mm') {
    if (timeZone === undefined) throw new Error('format: dd/MM/yyyy HH:mm needs timeZone: (an IANA zone such as Africa/Casablanca)');
    const local = localDateTime(timeZone);
    return (value) => {
      const l = local(value);
      return l === undefined ? undefined : `${l.slice(8, 10)}/${l.slice(5, 7)}/${l.slice(0, 4)} ${l.slice(11, 16)}`;
    };
  }
  if (format !== 'local-date-time') throw new Error(`unknown format ${format} (known: ${OUTPUT_FORMATS.join(', ')})`);
  if (timeZone === undefined) throw new Error('format: local-date-time needs timeZone: (an IANA zone such as Africa/Casablanca)');
  return localDateTime(timeZone);
}

/**
 * `yyyy-MM-ddTHH:mm:ss` in `timeZone`, no offset: what agencies that speak "local time" expect. The
 * zone's rules (summer time, Morocco's Ramadan hour) come from the runtime's time-zone data through
 * Intl, never from a fixed offset.
 */
function localDateTime(timeZone: string): Formatter {
  let parts: Intl.DateTimeFormat;
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  } catch {
    throw new Error(`unknown time zone ${timeZone} (an IANA name such as Africa/Casablanca or Europe/Paris)`);
  }
  // The records of one batch usually share their time stamps: remember the last conversion.
  let lastInput: string | undefined;
  let lastOutput: string | undefined;
  return (value) => {
    if (value === lastInput) return lastOutput;
    const utc = isoDateTime(value);
    let out: string | undefined;
    if (utc !== undefined) {
      const field: Record<string, string> = {};
      for (const part of parts.formatToParts(Date.parse(utc))) field[part.type] = part.value;
      out = `${field.year.padStart(4, '0')}-${field.month}-${field.day}T${field.hour}:${field.minute}:${field.second}`;
    }
    lastInput = value;
    lastOutput = out;
    return out;
  };
}
