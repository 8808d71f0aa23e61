/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP date. Returns milliseconds from
 * `now`, or undefined when absent or unreadable (the caller then falls back to its own backoff).
 */
export function parseRetryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form starts with a day name; anything else (say `-3`) is not one.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
