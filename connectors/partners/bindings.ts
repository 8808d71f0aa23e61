/**
 * Partner bindings: a partner is data (`<partner>/binding.json`: protocol, operations, mappings used),
 * not code. Deployment facts (endpoint URL, TLS files, credentials) are not in the binding: they come
 * from the hub configuration (`partners.<partner>.<protocol>`) and are merged over it.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { HubError } from '../../broker/errors';
import type { ConfigSchema } from '../_kit/config-schema-types';
import { validateConnectorConfig } from '../_kit/config-validation';
import type { PartnerConnectorConfig } from '../registry';

export interface OperationMappings {
  /** Mapping (in `mappings/partners/`) from canonical message to the payload sent. */
  request?: string;
  /** Mapping from the partner's answer to the canonical model, e.g. `narsa/licence-check.in`. */
  answer?: string;
}

export interface PartnerBinding {
  partner: string;
  protocol: string;
  description: string;
  /** Protocol settings (validated with the protocol's schema once merged with the hub's). */
  connector: Record<string, unknown>;
  mappings: Record<string, OperationMappings>;
}

export const partnerBindingSchema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['partner', 'protocol', 'description', 'connector'],
  properties: {
    partner: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'Partner name, as in `partners.<partner>` of the hub configuration.' },
    protocol: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'Connector protocol (`rest`, `soap`, …).' },
    description: { type: 'string', minLength: 1 },
    connector: { type: 'object', description: 'Protocol settings that do not depend on the deployment.' },
    mappings: {
      type: 'object', default: {},
      additionalProperties: {
        type: 'object', additionalProperties: false,
        properties: { request: { type: 'string', minLength: 1 }, answer: { type: 'string', minLength: 1 } },
      },
    },
  },
};

/** Settings that depend on the deployment and therefore must come from the hub configuration. */
const DEPLOYMENT_SETTINGS = ['baseUrl', 'tls', 'url', 'host', 'port', 'username', 'credentials', 'password', 'passphrase', 'privateKeyPath', 'hostKey'];

/** `$comment` keys explain a binding to its reader; they are not settings. */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$comment').map(([key, v]) => [key, withoutComments(v)]));
}

export function parsePartnerBinding(raw: unknown, where: string): PartnerBinding {
  const binding = validateConnectorConfig<PartnerBinding>(partnerBindingSchema, withoutComments(raw), where);
  const misplaced = DEPLOYMENT_SETTINGS.filter((key) => Object.hasOwn(binding.connector, key));
  if (misplaced.length > 0) {
    throw new HubError('CONFIG_INVALID', `${where}.connector: ${misplaced.join(', ')} belong in the hub configuration (partners.${binding.partner}.${binding.protocol}), not in the binding`);
  }
  const operations = binding.connector.operations;
  if (typeof operations === 'object' && operations !== null) {
    // Inbound messages are stored under `event.<TYPE>` / `callback.<Operation>` (app/inbound-store.ts): their answer mappings are no connector operation.
    const unknown = Object.keys(binding.mappings).filter((op) => !Object.hasOwn(operations, op) && !/^(event|callback)\./.test(op));
    if (unknown.length > 0) throw new HubError('CONFIG_INVALID', `${where}.mappings: ${unknown.join(', ')} not among the connector's operations`);
  }
  return binding;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key, the override winning; anything else (arrays included) is replaced. */
function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

/**
 * The connector configuration of a partner: its binding with the hub configuration's
 * `partners.<partner>.<protocol>` merged over it (the hub wins), ready for `createConnectors`.
 */
export function resolvePartnerConfig(binding: PartnerBinding, hubSettings: Record<string, unknown> | undefined): PartnerConnectorConfig {
  return { ...deepMerge(binding.connector, hubSettings ?? {}), protocol: binding.protocol };
}

/**
 * Where the bindings live: this folder, also when running the compiled copy under `dist/` (tsc copies
 * no JSON it does not import, and bindings are read, not imported, so adding one needs no code).
 */
export const PARTNER_BINDINGS_DIR = __dirname.split(sep).includes('dist') && !existsSync(join(__dirname, 'narsa', 'binding.json'))
  ? resolve(__dirname, '..', '..', '..', 'connectors', 'partners')
  : __dirname;

/** Every `<partner>/binding.json` under `dir`, keyed by partner; the folder name must match `partner`. */
export async function loadPartnerBindings(dir: string = PARTNER_BINDINGS_DIR): Promise<Map<string, PartnerBinding>> {
  const bindings = new Map<string, PartnerBinding>();
  const folders = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  for (const folder of folders) {
    const file = join(dir, folder, 'binding.json');
    if (!existsSync(file)) continue;
    const where = `connectors/partners/${folder}/binding.json`;
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new HubError('CONFIG_INVALID', `${where}: not valid JSON (${error instanceof Error ? error.message : 'unreadable'})`);
    }
    const binding = parsePartnerBinding(raw, where);
    if (binding.partner !== folder) throw new HubError('CONFIG_INVALID', `${where}.partner: is "${binding.partner}", the folder says "${folder}"`);
    bindings.set(binding.partner, binding);
  }
  return bindings;
}
