import type { Role } from './auth';

/**
 * The role table of the portal contract v1 (DESIGN.md §5): which roles may call which route at all. Finer rules
 * (a citizen sees only their own requests, an agent only their post's, which action fits which status) belong to the
 * services, which receive the caller in `meta.auth`. Routes and the OpenAPI document both read this table.
 */
export const ACCESS = {
  createRequest: ['citizen', 'agent'],
  readRequest: ['citizen', 'agent', 'supervisor'],
  listRequests: ['agent', 'supervisor'],
  actOnRequest: ['agent', 'supervisor'],
  /** `cancel` is the one action a citizen may ask for (on their own request: the service checks ownership). */
  cancelRequest: ['citizen', 'agent', 'supervisor'],
  readDocument: ['citizen', 'agent', 'supervisor'],
  listEscalations: ['agent', 'supervisor'],
} as const satisfies Record<string, readonly Role[]>;

export const CITIZEN_ACTION = 'cancel';
/** Actions a citizen may ask for on their own request; the catalogue's roles of each service still decide (e.g. `correct` after info-requested). */
export const CITIZEN_ACTIONS: readonly string[] = [CITIZEN_ACTION, 'correct'];
