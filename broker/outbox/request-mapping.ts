/**
 * The outbound step of a delivery: the outbox holds what the service wrote (canonical); the partner
 * gets what its contract says, through the mapping its binding names (`mappings.<operation>.request`).
 * A payload that does not map will not map on a retry either: the caller dead-letters it at once
 * (MAPPING_FAILED, not retryable), with the field paths and messages, never the values (personal data).
 */
import type { FieldError } from '../errors';
import { HubError } from '../errors';
import type { OutboxMessage } from './outbox-store';

export type RequestMapResult = { ok: true; value: unknown } | { ok: false; errors: Array<FieldError & { source?: string }> };

/** The request mappings of the partner bindings, by partner and operation. */
export interface RequestMapper {
  /** The mapping that applies to this partner operation (for the messages), or undefined when the payload is sent as it is. */
  mappingFor(partner: string, operation: string): { id: string; map(payload: unknown): RequestMapResult } | undefined;
}

export type PreparedRequest = { ok: true; payload: unknown } | { ok: false; error: HubError };

/** Error paths in a dead-letter reason: enough for an engineer to fix the mapping, short enough to read. */
const LISTED_ERRORS = 10;

export function prepareRequest(msg: Pick<OutboxMessage, 'partner' | 'operation' | 'payload'>, mapper: RequestMapper | undefined): PreparedRequest {
  const mapping = mapper?.mappingFor(msg.partner, msg.operation);
  if (!mapping) return { ok: true, payload: msg.payload };
  const result = mapping.map(msg.payload);
  if (result.ok) return { ok: true, payload: result.value };
  const listed = result.errors.slice(0, LISTED_ERRORS).map((e) => `${e.path}${e.source ? ` (from ${e.source})` : ''}: ${e.message}`);
  const more = result.errors.length > LISTED_ERRORS ? ` (and ${result.errors.length - LISTED_ERRORS} more)` : '';
  return {
    ok: false,
    error: new HubError('MAPPING_FAILED', `${mapping.id}: the payload does not map to the partner's message: ${listed.join('; ')}${more}`, { errors: result.errors }),
  };
}
