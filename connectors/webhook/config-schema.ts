/**
 * Configuration of the webhook receiver: the single source of truth for validation, defaults,
 * secret marks and the option table in README.md (a test keeps the table in step).
 */
import { JSON_SCHEMA_DRAFT_2020_12, type ConfigSchema } from '../_kit/config-schema-types';

export interface WebhookReceiverConfig {
  port: number;
  host: string;
  path: string;
  /** Shared HMAC key. Secret: never logged, never in an answer or an error. */
  secret: string;
  toleranceSeconds: number;
  maxBodyBytes: number;
  timestampHeader: string;
  signatureHeader: string;
  eventIdField: string;
}

const HEADER_NAME = '^[A-Za-z0-9-]+$';

export const webhookConfigSchema: ConfigSchema = {
  $schema: JSON_SCHEMA_DRAFT_2020_12,
  $id: 'urn:econsulat:connectors:webhook:config',
  title: 'Webhook receiver',
  description: "A partner's signed events posted to the hub: HMAC-SHA256 over `<timestamp>.<raw body>`.",
  type: 'object',
  additionalProperties: false,
  required: ['path', 'secret'],
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 0, description: 'Port to listen on; 0 picks a free one (read it from the receiver).' },
    host: { type: 'string', minLength: 1, default: '127.0.0.1', description: 'Bind address. TLS is terminated in front of the hub (reverse proxy), so bind to loopback or a private interface.' },
    path: { type: 'string', pattern: '^/[^?#\\s]*$', description: 'The one path events are posted to, e.g. `/partners/dgsn/events`; anything else is 404.' },
    secret: { type: 'string', minLength: 16, secret: true, description: 'Shared HMAC-SHA256 key agreed with the partner. Comes from the hub configuration.' },
    toleranceSeconds: { type: 'integer', minimum: 1, default: 300, description: 'A timestamp further than this from our clock (either way) is refused with 401: a captured delivery cannot be replayed later.' },
    maxBodyBytes: { type: 'integer', minimum: 1, default: 65536, description: 'Larger bodies are refused with 413 before they are read whole.' },
    timestampHeader: { type: 'string', pattern: HEADER_NAME, default: 'X-DGSN-Timestamp', description: 'Header with the Unix time (seconds) of the delivery.' },
    signatureHeader: { type: 'string', pattern: HEADER_NAME, default: 'X-DGSN-Signature', description: 'Header with `sha256=<hex HMAC>`.' },
    eventIdField: { type: 'string', minLength: 1, default: 'eventId', description: "Field of the event holding the partner's event id, the de-duplication key." },
  },
};
