/**
 * Checks the envelope of an outbound message before anything goes on the wire. The envelope travels
 * in headers (message id, case reference, correlation id), so it must be safe there; the payload is
 * the mapping's business and is not looked at here.
 */
import { HubError } from '../../broker/errors';
import type { OutboundMessage } from './contract';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Printable ASCII, no leading space, bounded: a value that cannot smuggle a header or a line. */
const HEADER_SAFE = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;

export function checkOutboundMessage(msg: OutboundMessage, partner: string, operations: readonly string[]): void {
  const invalid = (field: string, why: string): HubError =>
    new HubError('VALIDATION_FAILED', `outbound message for ${partner}: ${field} ${why}`, { errors: [{ path: `/${field}`, message: why }] });
  if (msg.partner !== partner) throw invalid('partner', `is "${msg.partner}", this connector serves "${partner}"`);
  if (!operations.includes(msg.operation)) throw invalid('operation', `"${msg.operation}" is not declared (declared: ${operations.join(', ')})`);
  if (!UUID.test(msg.messageId)) throw invalid('messageId', 'must be a UUID');
  if (!HEADER_SAFE.test(msg.caseReference)) throw invalid('caseReference', 'must be 1-200 printable ASCII characters');
  if (msg.correlationId !== undefined && !HEADER_SAFE.test(msg.correlationId)) throw invalid('correlationId', 'must be 1-200 printable ASCII characters');
  if (typeof msg.payload !== 'object' || msg.payload === null || Array.isArray(msg.payload)) throw invalid('payload', 'must be an object');
}
