/**
 * The one error catalogue of the hub. Every error that crosses a boundary (portal, broker, connector)
 * carries one of these codes; `docs/errors.md` documents them and a test keeps the two in step.
 */
export interface ErrorSpec {
  /** HTTP status the portal answers with. */
  status: number;
  /** Whether a caller (the outbox relay, a client) may try the same thing again later. */
  retryable: boolean;
  title: string;
}

export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, retryable: false, title: 'The input does not match its schema' },
  MALFORMED_BODY: { status: 400, retryable: false, title: 'The body could not be parsed' },
  UNKNOWN_SERVICE: { status: 400, retryable: false, title: 'No such consular service' },
  UNKNOWN_POST: { status: 400, retryable: false, title: 'No such consular post' },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, retryable: false, title: 'The Idempotency-Key header is required' },
  UNAUTHENTICATED: { status: 401, retryable: false, title: 'A valid bearer token is required' },
  FORBIDDEN: { status: 403, retryable: false, title: 'Not allowed for this role or post' },
  NOT_FOUND: { status: 404, retryable: false, title: 'No such resource' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, retryable: false, title: 'This Idempotency-Key was used with another body' },
  ACTION_NOT_ALLOWED: { status: 409, retryable: false, title: 'The action is not allowed in the current status' },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, title: 'The body is larger than allowed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, title: 'The content type is not supported' },
  CONFIG_INVALID: { status: 500, retryable: false, title: 'The configuration is invalid' },
  INTERNAL: { status: 500, retryable: false, title: 'Internal error' },
  NOT_READY: { status: 503, retryable: true, title: 'The hub is not ready' },
  // Partner side: how a connector classifies what happened on the wire.
  PARTNER_TIMEOUT: { status: 504, retryable: true, title: 'The partner did not answer in time' },
  PARTNER_UNAVAILABLE: { status: 502, retryable: true, title: 'The partner is unavailable (5xx or connection failure)' },
  PARTNER_RATE_LIMITED: { status: 429, retryable: true, title: 'The partner asked us to slow down' },
  PARTNER_CIRCUIT_OPEN: { status: 503, retryable: true, title: 'Calls to this partner endpoint are paused (circuit open)' },
  PARTNER_REJECTED: { status: 502, retryable: false, title: 'The partner rejected the message' },
  PARTNER_BAD_RESPONSE: { status: 502, retryable: false, title: 'The partner answered with something we cannot read' },
  MAPPING_FAILED: { status: 422, retryable: false, title: 'A message could not be mapped' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldError {
  /** JSON pointer-like path of the offending field, e.g. `/applicant/birthDate`. */
  path: string;
  message: string;
}

/** An error with a catalogue code. `detail` must never contain personal data or secrets. */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly errors?: FieldError[];
  /** For retryable partner errors: the delay the partner asked for (Retry-After), in ms. */
  readonly retryAfterMs?: number;
  readonly extra?: Record<string, unknown>;

  constructor(code: ErrorCode, detail?: string, opts: { errors?: FieldError[]; retryAfterMs?: number; extra?: Record<string, unknown>; cause?: unknown } = {}) {
    super(detail ?? ERROR_CATALOGUE[code].title, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HubError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.retryable = ERROR_CATALOGUE[code].retryable;
    this.errors = opts.errors;
    this.retryAfterMs = opts.retryAfterMs;
    this.extra = opts.extra;
  }
}

export function isHubError(err: unknown): err is HubError {
  return err instanceof HubError;
}
