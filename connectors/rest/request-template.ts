/**
 * Turns an operation (from the config) and a message payload into the path, query and body of one
 * HTTP request. Errors name the payload field, never its value: values are personal data.
 */
import { HubError } from '../../broker/errors';
import type { RestOperation } from './config-schema';

export interface BuiltRequest {
  /** Filled and percent-encoded path, query string included. Personal data: never log it. */
  pathAndQuery: string;
  body?: string;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g;

/** Value at a dotted path (`holder.cnie`), or undefined; `$` is the whole payload. */
export function readPayloadPath(payload: Record<string, unknown>, path: string): unknown {
  if (path === '$') return payload;
  let current: unknown = payload;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function scalar(payload: Record<string, unknown>, path: string, context: string): string {
  const value = readPayloadPath(payload, path);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  const problem = value === undefined || value === '' ? 'is missing' : 'is not a string, number or boolean';
  throw new HubError('MAPPING_FAILED', `${context}: payload field ${path} ${problem}`);
}

/** Path placeholders named in a template, e.g. `['licenceNumber']`. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

export function buildRequest(operation: RestOperation, payload: Record<string, unknown>, context: string): BuiltRequest {
  // encodeURIComponent: a licence number like `12/345678` must stay one segment (`12%2F345678`).
  const path = operation.path.replace(PLACEHOLDER, (_match, field: string) => encodeURIComponent(scalar(payload, field, context)));
  const query = new URLSearchParams();
  for (const [name, field] of Object.entries(operation.query)) query.append(name, scalar(payload, field, context));
  const queryString = query.toString();
  const built: BuiltRequest = { pathAndQuery: queryString === '' ? path : `${path}?${queryString}` };
  if (operation.body !== undefined) {
    const value = readPayloadPath(payload, operation.body);
    if (value === undefined) throw new HubError('MAPPING_FAILED', `${context}: payload field ${operation.body} (the body) is missing`);
    built.body = JSON.stringify(value);
  }
  return built;
}
