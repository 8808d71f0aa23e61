/** Shapes of the catalogue data files (validated by the schemas in catalogue.ts). Pure types: services/ may import them. */
export type Role = 'citizen' | 'agent' | 'supervisor' | 'engineer';
export type Labels = Record<string, string> & { ar: string; fr: string; en: string; es: string };

export interface ActionDefinition {
  from: string[];
  to: string;
  roles: Role[];
  requiresReason?: boolean;
  issues?: string;
  /** JSON Schema of the `data` the action takes (the portal's action body); a mismatch names the field. */
  dataSchema?: Record<string, unknown>;
  /** The service's handler takes part (`<handler>.act`): it may add outbox messages, results and documents. */
  hook?: boolean;
}

export interface ServiceDefinition {
  code: string;
  referencePrefix: string;
  handler: string;
  labels: Labels;
  requiredDocuments: Array<{ code: string; labels: Labels }>;
  fee: { amount: number; currency: string };
  partners: string[];
  roles: { submit: Role[] };
  statuses: string[];
  actions: Record<string, ActionDefinition>;
  dataSchema: Record<string, unknown>;
  /** A deadline the request view shows with the time left (computed when read): paths into the request, the first holding a date-time wins. */
  deadline?: { at: string[]; statuses?: string[] };
}

export interface ConsularPost {
  code: string;
  names: Labels;
  timeZone: string;
  district: { countries: string[]; regions?: string[] };
}
