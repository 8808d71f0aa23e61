import type { Context } from 'moleculer';

export type Role = 'citizen' | 'agent' | 'supervisor' | 'engineer';
export interface AuthContext { sub: string; role: Role; post?: string }

/** What the hub carries in every call's meta: from the portal through the services to the partner calls. */
export interface HubMeta {
  auth?: AuthContext;
  correlationId?: string;
}

export type HubContext<P = Record<string, unknown>> = Context<P, HubMeta>;

/** Action-level options the hub's middlewares read. */
export interface HubActionOptions {
  /** Roles allowed to call the action; an action without `roles` is internal (no caller identity needed). */
  roles?: Role[];
  /** The action reads personal data: every call is written to the audit log. */
  audit?: boolean;
}

export type ActionHandler = (ctx: HubContext) => Promise<unknown>;
