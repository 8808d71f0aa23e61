import type { Middleware } from 'moleculer';
import type { ActionHandler, HubActionOptions, HubContext } from './types';

export interface AuditEntry { actor: string; role: string; action: string; subject: string | null; correlationId: string | null; outcome: string }
export type AuditWriter = (entry: AuditEntry) => Promise<void>;

/** Actions marked `audit: true` read personal data: who read what, when and with what outcome is recorded. */
export function auditMiddleware(write: AuditWriter): Middleware {
  return {
    name: 'Audit',
    localAction(next: ActionHandler, action: HubActionOptions & { name?: string }) {
      if (!action.audit) return next;
      const name = action.name ?? 'unknown';
      return async (ctx: HubContext) => {
        const params = ctx.params as { id?: unknown };
        const entry = (outcome: string): AuditEntry => ({
          actor: ctx.meta.auth?.sub ?? 'system', role: ctx.meta.auth?.role ?? 'system', action: name,
          subject: typeof params.id === 'string' ? params.id : null, correlationId: ctx.meta.correlationId ?? null, outcome,
        });
        try {
          const result = await next(ctx);
          await write(entry('ok'));
          return result;
        } catch (err) {
          await write(entry((err as { type?: string; code?: string }).type ?? String((err as { code?: string }).code ?? 'error')));
          throw err;
        }
      };
    },
  } as unknown as Middleware; // moleculer 0.14 types the handler loosely; ours is the precise shape
}
