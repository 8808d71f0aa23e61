/**
 * Config schema pieces every HTTP-based protocol connector shares (same meaning, same words in every README):
 * TLS material, a token bucket and a circuit breaker per partner endpoint.
 */
import type { ConfigSchema } from './config-schema-types';

export const rateLimitSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['perSecond'],
  description: 'Token bucket for this endpoint (per hub node). Without it calls are not paced.',
  properties: {
    perSecond: { type: 'number', exclusiveMinimum: 0, description: 'Sustained calls per second.' },
    burst: { type: 'integer', minimum: 1, default: 1, description: 'Calls allowed at once after an idle spell.' },
  },
};

export const breakerSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Circuit breaker for this endpoint.',
  properties: {
    failureThreshold: { type: 'integer', minimum: 1, default: 5, description: 'Consecutive endpoint failures (timeout, connection or TLS failure, 5xx) that open the circuit.' },
    resetTimeoutMs: { type: 'integer', minimum: 1, default: 30000, description: 'Time the circuit stays open before one trial call is let through.' },
  },
};

export const tlsSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'TLS material, read once at connect. Give `certPath` and `keyPath` together for mutual TLS.',
  dependentRequired: { certPath: ['keyPath'], keyPath: ['certPath'] },
  properties: {
    caPath: { type: 'string', minLength: 1, description: "PEM file of the CA that issued the partner's server certificate. Without it the system CAs are trusted." },
    certPath: { type: 'string', minLength: 1, description: 'PEM file of the client certificate the partner issued to the hub, when it asks for mutual TLS.' },
    keyPath: { type: 'string', minLength: 1, description: 'PEM file of the private key of the client certificate.' },
    passphrase: { type: 'string', secret: true, description: 'Passphrase of an encrypted private key.' },
    servername: { type: 'string', minLength: 1, description: 'Name sent in SNI and checked against the server certificate, when it differs from the host of `baseUrl`.' },
  },
};
