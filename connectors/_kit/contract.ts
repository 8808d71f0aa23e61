/**
 * The contract every protocol connector implements (rest, soap, xml-http, sftp, amqp).
 *
 * A connector makes ONE attempt per `send`: durable retries belong to the hub's outbox relay, which
 * persists every attempt. What a connector owns is the single attempt done well: a timeout, a circuit
 * breaker and a rate limit per partner endpoint, and a failure classified with a catalogue code.
 */
import type { ConfigSchema } from './config-schema-types';

export type { ConfigSchema } from './config-schema-types';
export { validateConnectorConfig } from './config-validation';

export interface OutboundMessage {
  /** UUID, stable across retries: the partner's idempotency key. */
  messageId: string;
  caseReference: string;
  partner: string;
  operation: string;
  payload: Record<string, unknown>;
  correlationId?: string;
}

export interface PartnerAnswer {
  status: number;
  body: unknown;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** Size of the body received, in bytes. */
  bytes: number;
  /** Time on the wire: from the request leaving to the last byte of the answer. */
  durationMs: number;
  /** Method, origin and path template (never the filled path: it may hold personal data), no secrets. */
  endpoint: string;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface ConnectorHealth {
  ok: boolean;
  detail: string;
  circuit?: CircuitState;
}

export interface Connector {
  readonly partner: string;
  readonly protocol: string;
  /** Idempotent: a second call on a connected connector does nothing. */
  connect(): Promise<void>;
  /** One attempt. Resolves with a business answer, rejects with a `HubError` of a PARTNER_* code. */
  send(msg: OutboundMessage): Promise<PartnerAnswer>;
  health(): Promise<ConnectorHealth>;
  /** Idempotent; `connect()` may be called again afterwards. */
  close(): Promise<void>;
}

/** Logging sink handed to connectors. Connectors never pass payload values or secrets to it. */
export interface ConnectorLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** What the hub hands to a factory: passed in rather than imported, so tests can swap them. */
export interface ConnectorDeps {
  /** Name the connector answers to, e.g. `narsa`: used in error messages and as `Connector.partner`. */
  partner: string;
  /** Where the config lives in the hub configuration, for error messages; default `partners.<partner>.<protocol>`. */
  configPath?: string;
  logger?: ConnectorLogger;
  /** Wall clock in ms, for Retry-After dates. */
  now?: () => number;
}

export interface ConnectorFactory<TConfig = unknown> {
  readonly protocol: string;
  /** JSON Schema (draft 2020-12) with descriptions, defaults and `secret: true` marks. */
  readonly configSchema: ConfigSchema;
  /** `config` has already been validated against `configSchema` (defaults applied). */
  create(config: TConfig, deps: ConnectorDeps): Connector;
}

export const silentLogger: ConnectorLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
