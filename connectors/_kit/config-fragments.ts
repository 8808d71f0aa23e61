/**
 * Config schema pieces every HTTP-based protocol connector shares (same meaning, same words in every README):
 * a token bucket and a circuit breaker per partner endpoint.
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
