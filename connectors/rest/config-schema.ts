/**
 * Configuration of the REST connector: the single source of truth for validation, defaults, secret
 * marks and the option table in README.md (a test keeps the table in step).
 */
import { JSON_SCHEMA_DRAFT_2020_12, type ConfigSchema } from '../_kit/config-schema-types';
import { breakerSchema, rateLimitSchema, tlsSchema } from '../_kit/config-fragments';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestOperation {
  method: HttpMethod;
  /** Starts with `/`; `{field}` placeholders are filled from the payload, percent-encoded. */
  path: string;
  /** Query parameter name → payload path. */
  query: Record<string, string>;
  /** Payload path of the JSON body; `$` sends the whole payload. */
  body?: string;
  /** Statuses that are business answers, passed back to the caller rather than thrown. */
  answers: number[];
}

export interface RestTlsConfig {
  caPath?: string;
  certPath?: string;
  keyPath?: string;
  passphrase?: string;
  servername?: string;
}

export interface RestOAuth2Config {
  /** A path on the origin of `baseUrl`, or an https URL. */
  tokenUrl: string;
  clientId: string;
  /** Secret: never logged, never in an error message. */
  clientSecret: string;
  scope?: string;
  refreshBeforeExpirySeconds: number;
}

export interface RestConnectorConfig {
  baseUrl: string;
  tls?: RestTlsConfig;
  oauth2?: RestOAuth2Config;
  timeoutMs: number;
  maxResponseBytes: number;
  rateLimit?: { perSecond: number; burst: number };
  breaker: { failureThreshold: number; resetTimeoutMs: number };
  operations: Record<string, RestOperation>;
}

const PAYLOAD_PATH = '^(\\$|[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*)$';

export const restConfigSchema: ConfigSchema = {
  $schema: JSON_SCHEMA_DRAFT_2020_12,
  $id: 'urn:econsulat:connectors:rest:config',
  title: 'REST connector',
  description: 'One partner REST/JSON endpoint over HTTPS, optionally with mutual TLS.',
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'operations'],
  properties: {
    baseUrl: {
      type: 'string',
      // https only (personal data travel), and no user:password@ (secrets do not belong in URLs).
      pattern: '^https://[^/@\\s]+(/[^?#\\s]*)?$',
      description: 'Origin and optional base path of the partner API, e.g. `https://api.narsa.example`. Comes from the hub configuration, not the binding.',
    },
    tls: tlsSchema,
    oauth2: {
      type: 'object',
      additionalProperties: false,
      required: ['tokenUrl', 'clientId', 'clientSecret'],
      description: 'OAuth2 client credentials: every call carries `Authorization: Bearer <token>`. One token per connector, shared by concurrent sends, refreshed before it expires and once on a 401 (then the call is retried once).',
      properties: {
        tokenUrl: {
          type: 'string',
          pattern: '^(/[^?#\\s]*|https://[^/@\\s]+(/[^#\\s]*)?)$',
          description: 'Token endpoint: a path on the origin of `baseUrl` (e.g. `/dgsn/oauth/token`, may come from the binding) or an https URL.',
        },
        clientId: { type: 'string', minLength: 1, description: 'Client id the partner issued to the hub. Comes from the hub configuration.' },
        clientSecret: { type: 'string', minLength: 1, secret: true, description: 'Client secret, sent in the form body of the token request (`client_secret_post`). Comes from the hub configuration.' },
        scope: { type: 'string', minLength: 1, description: 'Scope asked for, when the partner wants one.' },
        refreshBeforeExpirySeconds: {
          type: 'integer', minimum: 0, default: 30,
          description: "A new token is fetched this long before the current one expires (at most half the token's lifetime).",
        },
      },
    },
    timeoutMs: {
      type: 'integer', minimum: 1, default: 5000,
      description: "Bounds the partner's answer (connect, TLS, headers and body); separately bounds the wait for a rate-limit token.",
    },
    maxResponseBytes: {
      type: 'integer', minimum: 1, default: 1048576,
      description: 'Larger answers are cut off and reported as PARTNER_BAD_RESPONSE.',
    },
    rateLimit: rateLimitSchema,
    breaker: breakerSchema,
    operations: {
      type: 'object',
      minProperties: 1,
      description: 'Operations by name (the `operation` of an outbound message).',
      additionalProperties: {
        type: 'object',
        description: 'One partner call: how to build the request and which statuses are answers.',
        additionalProperties: false,
        required: ['method', 'path'],
        properties: {
          method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], description: 'HTTP method. Non-GET calls carry `Idempotency-Key: <messageId>`.' },
          path: {
            type: 'string',
            pattern: '^/[^?#\\s]*$',
            description: 'Path template under `baseUrl`; `{field}` placeholders (dotted payload paths) are filled from the payload and percent-encoded, so `/` in a value stays inside its segment.',
          },
          query: {
            type: 'object', default: {},
            description: 'Query parameter name → payload path. Every parameter is required in the payload.',
            additionalProperties: { type: 'string', pattern: PAYLOAD_PATH, description: 'Dotted payload path of the value, e.g. `holder.cnie`.' },
          },
          body: { type: 'string', pattern: PAYLOAD_PATH, description: 'Payload path of the JSON body (`$` for the whole payload). Without it no body is sent.' },
          answers: {
            type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, minItems: 1, uniqueItems: true, default: [200],
            description: 'Statuses that are business answers (e.g. `[200, 404, 409]`); other statuses are failures.',
          },
        },
      },
    },
  },
};
