/**
 * Configuration of the SOAP connector: the single source of truth for validation, defaults, secret
 * marks and the option table in README.md (a test keeps the table in step).
 */
import { JSON_SCHEMA_DRAFT_2020_12, type ConfigSchema } from '../_kit/config-schema-types';
import { rateLimitSchema } from '../_kit/config-fragments';

export interface SoapOperationConfig {
  /** Operation name in the WSDL, e.g. `SubmitBurialAuthorisation`. */
  soapOperation: string;
  /** Value of the `service` header block, e.g. `MI/ETATCIVIL/SubmitBurialAuthorisation`. */
  service: string;
  /** Fault detail codes that are business answers (handed back with status 500), not failures. */
  answerFaults: string[];
}

export interface SoapConnectorConfig {
  url: string;
  wsdlPath: string;
  credentials: { username: string; password: string };
  header: { client: string; userId: string };
  tls?: { caPath?: string; servername?: string };
  timeoutMs: number;
  retryableFaults: string[];
  validateRequests: boolean;
  validateAnswers: boolean;
  maxRequestBytes: number;
  maxResponseBytes: number;
  rateLimit?: { perSecond: number; burst: number };
  breaker: { failureThreshold: number; resetTimeoutMs: number };
  operations: Record<string, SoapOperationConfig>;
}

export const soapConfigSchema: ConfigSchema = {
  $schema: JSON_SCHEMA_DRAFT_2020_12,
  $id: 'urn:econsulat:connectors:soap:config',
  title: 'SOAP connector',
  description: 'One partner SOAP 1.1 document/literal service, WS-Security UsernameToken (PasswordDigest).',
  type: 'object',
  additionalProperties: false,
  required: ['url', 'wsdlPath', 'credentials', 'header', 'operations'],
  properties: {
    url: {
      type: 'string',
      // No user:password@ in URLs: secrets belong in `credentials`.
      pattern: '^https?://[^/@\\s]+(/[^?#\\s]*)?$',
      description: "URL the envelopes are posted to (the WSDL's `soap:address` is not used: deployments differ). Comes from the hub configuration. Use `https://` outside a test bench.",
    },
    wsdlPath: {
      type: 'string', minLength: 1,
      description: "The project's copy of the partner WSDL; a relative path is taken from `connectors/partners/`. Read at connect: operations, SOAP actions, body element names.",
    },
    credentials: {
      type: 'object',
      additionalProperties: false,
      required: ['username', 'password'],
      description: 'WS-Security UsernameToken the partner issued to the hub. Comes from the hub configuration.',
      properties: {
        username: { type: 'string', minLength: 1, description: 'User name.' },
        password: { type: 'string', minLength: 1, secret: true, description: 'Password; only its digest (with a fresh nonce and Created) leaves the hub.' },
      },
    },
    header: {
      type: 'object',
      additionalProperties: false,
      required: ['client'],
      description: 'Fixed fields of the common header block (`urn:ma:gov:xchg:header:v1`).',
      properties: {
        client: { type: 'string', minLength: 1, description: 'Caller id, e.g. `MAEC/ECONSULAT`.' },
        userId: { type: 'string', minLength: 1, default: 'ECONSULAT-SYSTEM', description: 'System user named in `userId` (outbound messages are sent by the hub, not by an agent).' },
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      description: 'TLS for an `https://` endpoint.',
      properties: {
        caPath: { type: 'string', minLength: 1, description: "PEM file of the CA that issued the partner's server certificate. Without it the system CAs are trusted." },
        servername: { type: 'string', minLength: 1, description: 'Name sent in SNI and checked against the server certificate, when it differs from the host of `url`.' },
      },
    },
    timeoutMs: {
      type: 'integer', minimum: 1, default: 10000,
      description: "Bounds the partner's answer (connect, TLS, headers and body); separately bounds the wait for a rate-limit token.",
    },
    retryableFaults: {
      type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, default: [],
      description: 'Fault detail codes that mean "try again later" whatever their faultcode (e.g. Justice\'s `INDISPONIBLE`): PARTNER_UNAVAILABLE. A `soap:Server` fault is always retryable.',
    },
    validateRequests: {
      type: 'boolean', default: true,
      description: "Checks each body against the schema embedded in the WSDL before sending; a mismatch is VALIDATION_FAILED naming the elements (never values), and nothing is sent. The schema is closed: no extra field leaves the hub.",
    },
    validateAnswers: {
      type: 'boolean', default: true,
      description: "Checks each answer's output element against the schema embedded in the WSDL; a mismatch is PARTNER_BAD_RESPONSE naming the elements (never values). Faults are read by their detail code, not checked.",
    },
    maxRequestBytes: {
      type: 'integer', minimum: 1, default: 10485760,
      description: 'Larger envelopes are refused before sending with PAYLOAD_TOO_LARGE (the Interior accepts 10 MB).',
    },
    maxResponseBytes: {
      type: 'integer', minimum: 1, default: 1048576,
      description: 'Larger answers are cut off and reported as PARTNER_BAD_RESPONSE.',
    },
    rateLimit: rateLimitSchema,
    breaker: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Circuit breaker for this endpoint.',
      properties: {
        failureThreshold: { type: 'integer', minimum: 1, default: 5, description: 'Consecutive endpoint failures (timeout, connection or TLS failure, 5xx without a business fault, `soap:Server` fault) that open the circuit.' },
        resetTimeoutMs: { type: 'integer', minimum: 1, default: 30000, description: 'Time the circuit stays open before one trial call is let through.' },
      },
    },
    operations: {
      type: 'object',
      minProperties: 1,
      description: 'Operations by name (the `operation` of an outbound message).',
      additionalProperties: {
        type: 'object',
        description: 'One WSDL operation; the payload is the body element, fields in the order of the XSD sequence.',
        additionalProperties: false,
        required: ['soapOperation', 'service'],
        properties: {
          soapOperation: { type: 'string', minLength: 1, description: 'Operation name in the WSDL, e.g. `SubmitBurialAuthorisation`.' },
          service: { type: 'string', minLength: 1, description: 'The `service` header block, e.g. `MI/ETATCIVIL/SubmitBurialAuthorisation`.' },
          answerFaults: {
            type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, default: [],
            description: 'Fault detail codes that are business answers (handed back with `status` 500 and `body.fault`), e.g. `["UNKNOWN_COMMUNE"]`. `DUPLICATE_MESSAGE` with a ticket is always a success.',
          },
        },
      },
    },
  },
};
