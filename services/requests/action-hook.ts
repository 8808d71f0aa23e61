import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { HubError } from '../../broker/errors';
import type { ActionDefinition, ServiceDefinition } from '../../config/catalogue-types';
import { fieldErrors } from '../../config/validate';
import type { RenderedDocument } from './handler-contract';
import type { DocumentDraft, OutboxDraft, RequestDetails } from './ports';

/**
 * Actions that carry data or need the service (catalogue: `dataSchema`, `hook`). The data is checked against the
 * action's schema (errors name the field under `/data`); a hooked action asks `<handler>.act` what else the
 * transition carries — partner messages, results, documents — so they commit with the status change.
 */
export interface ActionHookParams { action: string; request: RequestDetails; data: Record<string, unknown>; actor: string }
export interface ActionHookResult {
  outbox?: OutboxDraft[];
  results?: Record<string, unknown>;
  documents?: Array<RenderedDocument & { kind: string }>;
  note?: string;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validators = new WeakMap<ActionDefinition, ValidateFunction>();

export function validateActionData(def: ServiceDefinition, action: string, spec: ActionDefinition, data: Record<string, unknown> | undefined): void {
  if (!spec.dataSchema) {
    if (data !== undefined && Object.keys(data).length > 0) {
      throw new HubError('VALIDATION_FAILED', `${action} takes no data`, { errors: [{ path: '/data', message: 'is not expected by this action' }] });
    }
    return;
  }
  let validate = validators.get(spec);
  if (!validate) { validate = ajv.compile(spec.dataSchema); validators.set(spec, validate); }
  if (!validate(data ?? {})) {
    const errors = fieldErrors(validate.errors).map((e) => ({ path: '/data' + (e.path === '/' ? '' : e.path), message: e.message }));
    throw new HubError('VALIDATION_FAILED', `the data of "${action}" does not match the "${def.code}" action schema`, { errors });
  }
}

export async function runActionHook(
  call: (action: string, params: ActionHookParams) => Promise<unknown>,
  def: ServiceDefinition, spec: ActionDefinition, params: ActionHookParams,
): Promise<{ outbox: OutboxDraft[]; results?: Record<string, unknown>; documents: DocumentDraft[]; note?: string }> {
  if (!spec.hook) return { outbox: [], documents: [] };
  const r = ((await call(`${def.handler}.act`, params)) ?? {}) as ActionHookResult;
  return {
    outbox: r.outbox ?? [], results: r.results, note: r.note,
    documents: (r.documents ?? []).map((d) => ({ kind: d.kind, filename: d.filename, contentType: d.contentType, content: Buffer.from(d.contentBase64, 'base64') })),
  };
}
