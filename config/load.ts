import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hubConfigSchema, type HubConfig } from './schema';
import { assertValidConfig, createConfigAjv, fieldErrors } from './validate';

type Env = Record<string, string | undefined>;

function intOrString(v: string): number | string {
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

/** Environment variables layered over a partial config (a file, a test) before validation. */
function fromEnv(env: Env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => { if (value !== undefined && value !== '') out[key] = value; };
  set('port', env.PORT === undefined ? undefined : intOrString(env.PORT));
  set('host', env.HOST);
  set('dataDir', env.HUB_DATA_DIR);
  set('databaseUrl', env.DATABASE_URL);
  set('databasePoolMax', env.DATABASE_POOL_MAX === undefined ? undefined : intOrString(env.DATABASE_POOL_MAX));
  set('transporter', env.TRANSPORTER);
  set('amqpUrl', env.AMQP_URL);
  set('logLevel', env.LOG_LEVEL);
  set('nodeId', env.NODE_ID);
  return out;
}

function sandboxFromEnv(env: Env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.HUB_SANDBOX !== undefined) out.enabled = env.HUB_SANDBOX === '1' || env.HUB_SANDBOX === 'true';
  if (env.SANDBOX_NARSA_PORT) out.narsaPort = intOrString(env.SANDBOX_NARSA_PORT);
  if (env.SANDBOX_NARSA_CONTROL_PORT) out.narsaControlPort = intOrString(env.SANDBOX_NARSA_CONTROL_PORT);
  if (env.SANDBOX_DGSN_PORT) out.dgsnPort = intOrString(env.SANDBOX_DGSN_PORT);
  if (env.SANDBOX_DGSN_CONTROL_PORT) out.dgsnControlPort = intOrString(env.SANDBOX_DGSN_CONTROL_PORT);
  if (env.SANDBOX_NARSA_SFTP_PORT) out.narsaSftpPort = intOrString(env.SANDBOX_NARSA_SFTP_PORT);
  if (env.SANDBOX_HEALTH_PORT) out.healthPort = intOrString(env.SANDBOX_HEALTH_PORT);
  if (env.SANDBOX_HEALTH_CONTROL_PORT) out.healthControlPort = intOrString(env.SANDBOX_HEALTH_CONTROL_PORT);
  if (env.SANDBOX_NARSA_SFTP_CONTROL_PORT) out.narsaSftpControlPort = intOrString(env.SANDBOX_NARSA_SFTP_CONTROL_PORT);
  if (env.SANDBOX_INTERIOR_PORT) out.interiorPort = intOrString(env.SANDBOX_INTERIOR_PORT);
  if (env.SANDBOX_INTERIOR_CONTROL_PORT) out.interiorControlPort = intOrString(env.SANDBOX_INTERIOR_CONTROL_PORT);
  if (env.SANDBOX_JUSTICE_PORT) out.justicePort = intOrString(env.SANDBOX_JUSTICE_PORT);
  if (env.SANDBOX_JUSTICE_SFTP_PORT) out.justiceSftpPort = intOrString(env.SANDBOX_JUSTICE_SFTP_PORT);
  if (env.SANDBOX_JUSTICE_CONTROL_PORT) out.justiceControlPort = intOrString(env.SANDBOX_JUSTICE_CONTROL_PORT);
  return out;
}

/** `HUB_CONFIG=/path/hub.json`: a deployment's settings (partner endpoints, TLS files…) over the run mode's defaults. */
function fromFile(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    assertValidConfig(file, [{ path: '/', message: 'cannot be read as JSON: ' + (err instanceof Error ? err.message : 'unreadable') }]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) assertValidConfig(file, [{ path: '/', message: 'must be a JSON object' }]);
  return parsed as Record<string, unknown>;
}

const validateHubConfig = createConfigAjv().compile(hubConfigSchema);

/**
 * The validated configuration: `base` (defaults of a run mode, a test's settings), then the environment.
 * A wrong value stops the start with CONFIG_INVALID naming the field.
 */
export function loadConfig(base: Record<string, unknown> = {}, env: Env = process.env): HubConfig {
  const merged: Record<string, unknown> = { ...structuredClone(base), ...fromFile(env.HUB_CONFIG), ...fromEnv(env) };
  const sandbox = { ...((merged.sandbox as Record<string, unknown> | undefined) ?? {}), ...sandboxFromEnv(env) };
  merged.sandbox = sandbox;
  if (!validateHubConfig(merged)) assertValidConfig('config', fieldErrors(validateHubConfig.errors));
  const config = merged as unknown as HubConfig;
  config.dataDir = path.resolve(config.dataDir);
  return config;
}
