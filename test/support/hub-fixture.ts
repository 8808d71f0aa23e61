import path from 'node:path';
import { loadConfig } from '../../config/load';
import { startHub, type Hub } from '../../app/hub';
import { issueToken, loadOrCreateSigningKeys, type Role } from '../../portal-adapter/auth';
import { startNarsaSandbox, type NarsaSandbox } from '../../sandbox';
import { prepareHubDatabase } from './database';

export interface HubFixture {
  hub: Hub;
  narsa: NarsaSandbox;
  token(role: Role, opts?: { sub?: string; post?: string }): Promise<string>;
  api(method: string, url: string, opts?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: unknown; bytes: Buffer }>;
  /** Restarts the hub on the same database and sandbox (e.g. after a simulated crash). */
  restartHub(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startHubFixture(overrides: Record<string, unknown> = {}, narsaSettings: Record<string, unknown> = {}): Promise<HubFixture> {
  const database = await prepareHubDatabase();
  const narsa = await startNarsaSandbox({ dataDir: database.settings.dataDir, port: 0, controlPort: 0 });
  const base = {
    port: 0, dataDir: database.settings.dataDir, databaseUrl: database.settings.databaseUrl, logLevel: 'warn',
    outbox: { pollIntervalMs: 50, leaseMs: 5000, retry: { baseMs: 50, maxMs: 400, maxAttempts: 4 } },
    partners: { narsa: { rest: { baseUrl: narsa.url, tls: { caPath: narsa.pki.caCertPath, certPath: narsa.pki.clientCertPath, keyPath: narsa.pki.clientKeyPath }, ...narsaSettings } } },
    ...overrides,
  };
  const configOf = () => loadConfig(base, { AMQP_URL: process.env.HUB_TEST_AMQP === '1' ? process.env.AMQP_URL : undefined });
  let hub = await startHub(configOf());
  const keys = await loadOrCreateSigningKeys(path.join(database.settings.dataDir, 'keys'));
  const fixture: HubFixture = {
    get hub() { return hub; },
    narsa,
    token: (role, opts = {}) => issueToken({ privateKeyPem: keys.privateKeyPem, role, sub: opts.sub ?? `${role}-1`, post: opts.post }),
    async api(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) { body = JSON.stringify(opts.body); headers['content-type'] ??= 'application/json'; }
      const res = await fetch(hub.url + url, { method, headers, body });
      const bytes = Buffer.from(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, headers: res.headers, bytes, body: type.includes('json') && bytes.length ? JSON.parse(bytes.toString('utf8')) : bytes.toString('utf8') };
    },
    async restartHub() {
      await hub.stop();
      hub = await startHub(configOf());
    },
    async dispose() {
      await hub.stop();
      await narsa.close();
      await database.dispose();
    },
  };
  return fixture;
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15000, stepMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
