/**
 * What an HTTP status and body mean for the hub: a business answer handed back, or a classified
 * failure. Messages name the label (operation + endpoint template) and the status, never body values.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HubError } from '../../broker/errors';
import { parseRetryAfterMs } from '../_kit/retry-after';

export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The failure a non-answer status stands for. */
export function failureForStatus(status: number, headers: IncomingHttpHeaders, label: string, now: number): HubError {
  const retryAfterHeader = typeof headers['retry-after'] === 'string' ? headers['retry-after'] : undefined;
  const retryAfterMs = parseRetryAfterMs(retryAfterHeader, now);
  const extra = { status };
  if (status === 429) return new HubError('PARTNER_RATE_LIMITED', `${label}: answered 429 (too many requests)`, { retryAfterMs, extra });
  if (status === 408) return new HubError('PARTNER_TIMEOUT', `${label}: answered 408 (request timeout)`, { retryAfterMs, extra });
  if (status >= 500) return new HubError('PARTNER_UNAVAILABLE', `${label}: answered ${status}`, { retryAfterMs, extra });
  return new HubError('PARTNER_REJECTED', `${label}: answered ${status}, which is not a declared answer`, { extra });
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The body of a business answer: null when empty, parsed JSON otherwise. */
export function parseAnswerBody(body: Buffer, contentType: string | undefined, status: number, label: string): unknown {
  if (body.length === 0) return null;
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
    // A 404 page from a proxy is not "unknown licence": only a JSON answer is the partner's word.
    const mediaType = (contentType ?? 'no content type').split(';')[0].trim();
    throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${status} is ${mediaType}, not JSON`, { extra: { status } });
  }
  try {
    return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${status} is not valid JSON`, { extra: { status } });
  }
}
