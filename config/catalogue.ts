import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';
import { assertValidConfig, createConfigAjv, fieldErrors } from './validate';
import type { ServiceDefinition, ConsularPost } from './catalogue-types';

export type { ServiceDefinition, ConsularPost, ActionDefinition } from './catalogue-types';

const STATUSES = ['submitted', 'in-review', 'awaiting-partners', 'ready-for-decision', 'approved', 'rejected', 'completed',
  'info-requested', 'awaiting-payment', 'awaiting-appointment', 'cancelled'];
const ROLES = ['citizen', 'agent', 'supervisor', 'engineer'];
const label = { type: 'string', minLength: 1 };
const labels = { type: 'object', required: ['ar', 'fr', 'en', 'es'], properties: { ar: label, fr: label, en: label, es: label }, additionalProperties: label };

export const serviceDefinitionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'referencePrefix', 'handler', 'labels', 'requiredDocuments', 'fee', 'partners', 'roles', 'statuses', 'actions', 'dataSchema'],
  properties: {
    $comment: { type: 'string' },
    code: { type: 'string', pattern: '^[a-z][a-z0-9-]+$' },
    referencePrefix: { type: 'string', pattern: '^[A-Z]{2,5}$' },
    handler: { type: 'string', description: 'The domain service in services/ that runs its partner steps' },
    labels,
    requiredDocuments: { type: 'array', items: { type: 'object', required: ['code', 'labels'], additionalProperties: false, properties: { code: { type: 'string' }, labels } } },
    fee: { type: 'object', required: ['amount', 'currency'], additionalProperties: false, properties: { amount: { type: 'number', minimum: 0 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } },
    partners: { type: 'array', items: { type: 'string' } },
    roles: { type: 'object', required: ['submit'], additionalProperties: false, properties: { submit: { type: 'array', items: { enum: ROLES } } } },
    statuses: { type: 'array', minItems: 1, items: { enum: STATUSES } },
    actions: {
      type: 'object',
      additionalProperties: {
        type: 'object', required: ['from', 'to', 'roles'], additionalProperties: false,
        properties: {
          from: { type: 'array', minItems: 1, items: { enum: STATUSES } },
          to: { enum: STATUSES },
          roles: { type: 'array', minItems: 1, items: { enum: ROLES } },
          requiresReason: { type: 'boolean' },
          issues: { type: 'string', description: 'Kind of document the action issues' },
          dataSchema: { type: 'object', description: 'JSON Schema of the data the action takes' },
          hook: { type: 'boolean', description: 'The handler takes part in the action (<handler>.act)' },
        },
      },
    },
    dataSchema: { type: 'object' },
    deadline: {
      type: 'object', required: ['at'], additionalProperties: false,
      description: 'A deadline the request view shows as {at, secondsLeft}, computed when the request is read',
      properties: {
        $comment: { type: 'string' },
        at: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(data|results)(\\.[A-Za-z0-9_-]+)+$' }, description: 'Paths of the deadline in the request (data.… or results.…); the first holding a date-time wins' },
        statuses: { type: 'array', minItems: 1, items: { enum: STATUSES }, description: 'Statuses in which the deadline is shown (all when absent)' },
      },
    },
  },
} as const;

const postsSchema = {
  type: 'object', required: ['posts'], additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    posts: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['code', 'names', 'timeZone', 'district'], additionalProperties: false,
        properties: {
          code: { type: 'string', pattern: '^CG-[A-Z]+$' }, names: labels, timeZone: { type: 'string' },
          district: { type: 'object', required: ['countries'], additionalProperties: false,
            properties: { countries: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{3}$' } }, regions: { type: 'array', items: { type: 'string' } } } },
        },
      },
    },
  },
} as const;

const ajv = createConfigAjv();
const validateService = ajv.compile(serviceDefinitionSchema);
const validatePosts = ajv.compile(postsSchema);

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    assertValidConfig(file, [{ path: '/', message: 'is not valid JSON: ' + (err as Error).message }]);
    return undefined;
  }
}

/** Every `*.json` of a catalogue directory, validated; a service is added by dropping a file here. */
export function loadServiceCatalogue(dir = path.join(projectRoot(), 'config', 'services')): ServiceDefinition[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return files.map((f) => {
    const file = path.join(dir, f);
    const def = readJson(file);
    if (!validateService(def)) assertValidConfig(file, fieldErrors(validateService.errors));
    const service = def as ServiceDefinition;
    for (const [name, action] of Object.entries(service.actions)) {
      for (const s of [...action.from, action.to]) {
        if (!service.statuses.includes(s)) assertValidConfig(file, [{ path: `/actions/${name}`, message: `uses status "${s}" that the service does not list` }]);
      }
    }
    ajv.compile(service.dataSchema); // throws early on a broken data schema
    for (const action of Object.values(service.actions)) if (action.dataSchema) ajv.compile(action.dataSchema);
    return service;
  });
}

export function loadPosts(file = path.join(projectRoot(), 'config', 'posts.json')): ConsularPost[] {
  const doc = readJson(file);
  if (!validatePosts(doc)) assertValidConfig(file, fieldErrors(validatePosts.errors));
  return (doc as { posts: ConsularPost[] }).posts;
}
