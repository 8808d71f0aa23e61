/**
 * What a SOAP answer means for the hub: the output element handed back, a business fault handed back,
 * DUPLICATE_MESSAGE taken as success with the original ticket, or a classified failure. Messages name
 * the label and codes only, never a body value.
 */
import { HubError } from '../../broker/errors';
import { parseRetryAfterMs } from '../_kit/retry-after';
import { headerText, isSoap11Envelope, readFault, requestHash, splitEnvelope, type ParsedFault } from './envelope';
import { parseXml, toPlain, UnsafeXmlError } from './xml';

export interface AnswerContext {
  label: string;
  messageId: string;
  /** The bytes we sent, to check the partner's requestHash. */
  sentBody: Buffer;
  outputElement: string;
  answerFaults: readonly string[];
  retryableFaults: readonly string[];
  now: number;
}

export interface Interpreted {
  status: number;
  body: unknown;
  /** `output`: the operation's output element (to check against the WSDL's schema); otherwise a fault or a duplicate's ticket. */
  kind: 'output' | 'fault' | 'duplicate';
}

export function interpretAnswer(status: number, headers: Record<string, string>, raw: Buffer, ctx: AnswerContext): Interpreted {
  const { label } = ctx;
  const retryAfterMs = parseRetryAfterMs(headers['retry-after'], ctx.now);
  const contentType = headers['content-type'] ?? '';
  const looksXml = /\bxml\b/i.test(contentType) && raw.length > 0;
  if (!looksXml) {
    // A proxy's HTML error page is no word from the partner: classify by the HTTP status alone.
    if (status === 429) throw new HubError('PARTNER_RATE_LIMITED', `${label}: answered 429 (too many requests)`, { retryAfterMs, extra: { status } });
    if (status === 408) throw new HubError('PARTNER_TIMEOUT', `${label}: answered 408`, { retryAfterMs, extra: { status } });
    if (status >= 500) throw new HubError('PARTNER_UNAVAILABLE', `${label}: answered ${status} without a SOAP fault`, { retryAfterMs, extra: { status } });
    if (status !== 200) throw new HubError('PARTNER_REJECTED', `${label}: answered ${status} without a SOAP fault`, { extra: { status } });
    throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${status} is ${contentType.split(';')[0] || 'without content type'}, not SOAP XML`, { extra: { status } });
  }
  let parsed;
  try {
    const xml = raw.toString('utf8');
    const split = splitEnvelope(parseXml(xml));
    if (!split || !isSoap11Envelope(xml)) throw new UnsafeXmlError('not a SOAP 1.1 envelope');
    parsed = split;
  } catch (error) {
    const reason = error instanceof UnsafeXmlError ? error.message : 'unreadable';
    throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${status} is not a usable SOAP envelope (${reason})`, { extra: { status } });
  }
  if (parsed.bodyName === 'Fault') return interpretFault(status, readFault(parsed.bodyElement), ctx, retryAfterMs);
  if (status !== 200) throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${status} carries no SOAP fault`, { extra: { status } });
  if (parsed.bodyName !== ctx.outputElement) {
    throw new HubError('PARTNER_BAD_RESPONSE', `${label}: expected body element ${ctx.outputElement}, got ${parsed.bodyName ?? 'none'}`, { extra: { status } });
  }
  // The partner proves it read our message as sent: same id, hash of the bytes it received.
  if (headerText(parsed.header, 'id') !== ctx.messageId) throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer header id does not repeat the message id`, { extra: { status } });
  if (headerText(parsed.header, 'requestHash') !== requestHash(ctx.sentBody)) {
    throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer header requestHash does not match the request sent`, { extra: { status } });
  }
  return { status, body: parsed.bodyElement === undefined ? null : toPlain(parsed.bodyElement), kind: 'output' };
}

function interpretFault(status: number, fault: ParsedFault, ctx: AnswerContext, retryAfterMs: number | undefined): Interpreted {
  const { label } = ctx;
  const code = fault.code ?? 'none';
  const extra = { status, faultcode: fault.faultcode, faultCode: code, ...(fault.fields.length > 0 ? { fields: fault.fields } : {}) };
  if (code === 'DUPLICATE_MESSAGE') {
    // The partner already has this message id: the first attempt got through, its ticket stands.
    if (fault.ticket) return { status: 200, body: { ticket: fault.ticket, duplicate: true }, kind: 'duplicate' };
    throw new HubError('PARTNER_BAD_RESPONSE', `${label}: DUPLICATE_MESSAGE fault without the original ticket`, { extra });
  }
  if (ctx.answerFaults.includes(code)) return { status, body: { fault: { faultcode: fault.faultcode, code, fields: fault.fields } }, kind: 'fault' };
  // soap:Server (UNAVAILABLE, INTERNAL): the partner's trouble, retried later with the same message id.
  if (fault.faultcode === 'Server' || ctx.retryableFaults.includes(code)) throw new HubError('PARTNER_UNAVAILABLE', `${label}: soap:${fault.faultcode || 'Server'} fault ${code}`, { retryAfterMs, extra });
  // soap:Client (VALIDATION, UNKNOWN_COMMUNE, …): the message must change; retrying the same one is useless.
  // Field names (never values) are kept for the dead-letter reason.
  const fields = fault.fields.length > 0 ? ` (fields: ${fault.fields.join(', ').slice(0, 300)})` : '';
  throw new HubError('PARTNER_REJECTED', `${label}: soap:${fault.faultcode || 'Client'} fault ${code}${fields}`, { extra });
}
