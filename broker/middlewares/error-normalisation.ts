import { Errors, type Middleware } from 'moleculer';
import { ERROR_CATALOGUE, HubError, isHubError, type ErrorCode, type FieldError } from '../errors';
import type { ActionHandler, HubContext } from './types';

/** The shape a HubError travels in between nodes: Moleculer serialises `code`, `type`, `data`, `retryable`. */
export function toMoleculerError(err: HubError): Errors.MoleculerError {
  const Cls = err.retryable ? Errors.MoleculerRetryableError : Errors.MoleculerError;
  return new Cls(err.message, err.status, err.code, { errors: err.errors, extra: err.extra, retryAfterMs: err.retryAfterMs });
}

/** Any error back into the catalogue, whichever side of a transporter it came from. */
export function toHubError(err: unknown): HubError {
  if (isHubError(err)) return err;
  const e = err as { type?: string; message?: string; data?: unknown; name?: string };
  if (typeof e?.type === 'string' && e.type in ERROR_CATALOGUE) {
    const data = (e.data ?? {}) as { errors?: FieldError[]; extra?: Record<string, unknown>; retryAfterMs?: number };
    return new HubError(e.type as ErrorCode, e.message, { errors: data.errors, extra: data.extra, retryAfterMs: data.retryAfterMs });
  }
  if (err instanceof Errors.ValidationError) {
    const list = Array.isArray(err.data) ? (err.data as Array<{ field?: string; message?: string }>) : [];
    return new HubError('VALIDATION_FAILED', 'parameters do not match the action schema', {
      errors: list.map((d) => ({ path: '/' + String(d.field ?? '').replace(/\./g, '/'), message: String(d.message ?? 'is invalid') })),
    });
  }
  if (err instanceof Errors.ServiceNotFoundError || err instanceof Errors.ServiceNotAvailableError || err instanceof Errors.RequestTimeoutError) {
    return new HubError('NOT_READY', 'a hub service is not available right now');
  }
  // Unknown errors keep their message out of the reply: it may quote personal data.
  return new HubError('INTERNAL', undefined, { cause: err });
}

/** Errors leave an action as catalogue errors; the unexpected ones are logged by name and correlation id only. */
export function errorNormalisationMiddleware(log: { error(msg: string, meta?: Record<string, unknown>): void }): Middleware {
  return {
    name: 'ErrorNormalisation',
    localAction(next: ActionHandler, action: { name?: string }) {
      return async (ctx: HubContext) => {
        try {
          return await next(ctx);
        } catch (err) {
          const hub = toHubError(err);
          if (hub.code === 'INTERNAL') {
            log.error('unexpected error in action', { action: action.name, correlationId: ctx.meta.correlationId, error: err instanceof Error ? err.name : 'unknown' });
          }
          throw toMoleculerError(hub);
        }
      };
    },
  } as unknown as Middleware; // moleculer 0.14 types the handler loosely; ours is the precise shape
}
