import { ERROR_CATALOGUE, HubError, type ErrorCode, type FieldError } from '../broker/errors';
import { toFieldErrors } from './validation';
import type { FastifySchemaValidationError } from 'fastify';

/** RFC 9457 problem details, the body of every error answer of the portal. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  correlationId: string;
  errors?: FieldError[];
  /** Extension member of the readiness problem: which dependency is down. */
  checks?: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
export const PROBLEM_TYPE_BASE = 'https://econsulat.example/problems/';

/** `IDEMPOTENCY_KEY_REUSED` → `https://econsulat.example/problems/idempotency-key-reused`. */
export function problemType(code: ErrorCode): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

/**
 * How an error was classified:
 * - `expected`: a catalogued error, answered as is;
 * - `unavailable`: a hub service could not be reached; worth a warning;
 * - `unexpected`: a bug or an unknown failure; logged as an error, its message never shown.
 */
export type ProblemKind = 'expected' | 'unavailable' | 'unexpected';

export interface ClassifiedProblem {
  problem: Problem;
  kind: ProblemKind;
  retryAfterSeconds?: number;
}

export function problemOf(code: ErrorCode, correlationId: string, detail?: string, errors?: FieldError[]): Problem {
  const spec = ERROR_CATALOGUE[code];
  const problem: Problem = { type: problemType(code), title: spec.title, status: spec.status, detail: detail ?? spec.title, code, correlationId };
  if (errors !== undefined && errors.length > 0) problem.errors = errors;
  return problem;
}

function isCatalogueCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, value);
}

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Field errors that crossed the broker: keep only well-formed entries (the shape is not guaranteed after transport). */
function fieldErrorsFrom(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((e): e is FieldError => typeof prop(e, 'path') === 'string' && typeof prop(e, 'message') === 'string')
    .slice(0, 50)
    .map((e) => ({ path: e.path, message: e.message }));
}

const VALIDATION_PLACES: Record<string, string> = { body: 'body', querystring: 'query string', params: 'path', headers: 'headers' };

/** Errors raised by fastify itself while reading a request, by their fastify code. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; detail: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', detail: 'The body is larger than the portal accepts' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'MALFORMED_BODY', detail: 'The body length does not match Content-Length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_BODY', detail: 'The body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_BODY', detail: 'The body is not valid JSON' },
  FST_ERR_BAD_URL: { code: 'NOT_FOUND', detail: 'The URL could not be decoded' },
};

/** `applicant.email` / `items[0].x` (fastest-validator field names) → `/applicant/email` / `/items/0/x`. */
function pointerOf(field: string): string {
  return field.split(/\.|\[(\d+)\]/).filter((t) => t !== undefined && t !== '')
    .map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * A Moleculer `ValidationError`: a service's declared `params` refused what the portal passed on (an id that is not
 * a UUID, say). The field is named; fastest-validator's messages are not passed on, as some quote the value.
 */
function serviceParamErrors(data: unknown): FieldError[] {
  if (!Array.isArray(data)) return [];
  return data.slice(0, 50).flatMap((item): FieldError[] => {
    const field = prop(item, 'field');
    const rule = prop(item, 'type');
    if (typeof field !== 'string') return [];
    const why = typeof rule === 'string' && /^[A-Za-z]{1,40}$/.test(rule) ? ` (${rule})` : '';
    return [{ path: pointerOf(field), message: `is not valid${why}` }];
  });
}

/** Moleculer's own errors that mean "a service is not reachable right now": worth a retry, not a 500. */
const UNAVAILABLE_TYPES = new Set(['SERVICE_NOT_FOUND', 'SERVICE_NOT_AVAILABLE', 'REQUEST_TIMEOUT', 'REQUEST_REJECTED', 'QUEUE_FULL']);

/**
 * Any error → the problem to answer. Catalogued errors arrive in three shapes:
 * - a `HubError` thrown in this process;
 * - after a trip through the broker, a Moleculer error whose `code` is the HTTP status, `type` the catalogue code
 *   and `data` `{errors?, extra?}` (`extra` is for the hub, not for clients, and is not shown);
 * - a `HubError` serialised by a transporter without the hub's error middleware (Moleculer keeps name, message, code).
 * Moleculer's parameter validation errors are client errors too (400); unreachable services are a 503.
 * Their message is written by the hub for clients (never personal data, per the catalogue's rule) and becomes the
 * `detail`; any other error's message is withheld.
 */
export function classify(err: unknown, correlationId: string): ClassifiedProblem {
  if (err instanceof HubError) {
    const retryAfterSeconds = err.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    return { problem: problemOf(err.code, correlationId, err.message, err.errors), kind: 'expected', retryAfterSeconds };
  }
  const type = prop(err, 'type');
  const message = prop(err, 'message');
  const code = prop(err, 'code');
  if (isCatalogueCode(type) && typeof code === 'number' && typeof message === 'string') {
    return { problem: problemOf(type, correlationId, message, fieldErrorsFrom(prop(prop(err, 'data'), 'errors'))), kind: 'expected' };
  }
  if (prop(err, 'name') === 'HubError' && isCatalogueCode(code) && typeof message === 'string') {
    return { problem: problemOf(code, correlationId, message, fieldErrorsFrom(prop(err, 'errors'))), kind: 'expected' };
  }
  const validation = prop(err, 'validation');
  if (Array.isArray(validation)) {
    const place = VALIDATION_PLACES[String(prop(err, 'validationContext'))] ?? 'request';
    const errors = toFieldErrors(validation as FastifySchemaValidationError[]);
    return { problem: problemOf('VALIDATION_FAILED', correlationId, `The ${place} does not match its schema`, errors), kind: 'expected' };
  }
  if (type === 'VALIDATION_ERROR') {
    const errors = serviceParamErrors(prop(err, 'data'));
    return { problem: problemOf('VALIDATION_FAILED', correlationId, 'The request does not match what the service expects', errors), kind: 'expected' };
  }
  const known = typeof code === 'string' ? FASTIFY_CODES[code] : undefined;
  if (known !== undefined) return { problem: problemOf(known.code, correlationId, known.detail), kind: 'expected' };
  if (typeof type === 'string' && UNAVAILABLE_TYPES.has(type)) {
    return { problem: problemOf('NOT_READY', correlationId, 'A hub service is not available at the moment; try again later'), kind: 'unavailable', retryAfterSeconds: 5 };
  }
  return { problem: problemOf('INTERNAL', correlationId, 'An unexpected error occurred; quote the correlation id to support'), kind: 'unexpected' };
}
