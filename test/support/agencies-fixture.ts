import path from 'node:path';
import { startEmbedded, type EmbeddedHub } from '../../app/embedded';
import { startHub, type Hub } from '../../app/hub';
import { loadConfig } from '../../config/load';
import { issueToken, loadOrCreateSigningKeys, type Role } from '../../portal-adapter/auth';
import { stopSandboxes, type Sandboxes } from '../../sandbox';
import { prepareHubDatabase } from './database';

/** Every sandbox port 0: the system picks free ports, so suites run side by side. */
const FREE_PORTS = {
  narsaPort: 0, narsaControlPort: 0, dgsnPort: 0, dgsnControlPort: 0, narsaSftpPort: 0, narsaSftpControlPort: 0, healthPort: 0, healthControlPort: 0,
  interiorPort: 0, interiorControlPort: 0, justicePort: 0, justiceSftpPort: 0, justiceControlPort: 0,
};

export interface AgenciesFixture {
  hub: Hub;
  /** The five sandbox agencies, on real sockets, as `npm start` runs them. */
  agencies: Sandboxes;
  token(role: Role, opts?: { sub?: string; post?: string }): Promise<string>;
  api(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: unknown; bytes: Buffer }>;
  /** Stops the hub (not the agencies) and starts it again on the same database. */
  restartHub(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The hub in embedded mode with all the sandbox agencies, on the test database (PGlite, or PostgreSQL when
 * DATABASE_URL is set), for the services' end-to-end tests. `overrides` are merged over the configuration
 * (e.g. `{ schedules: {...} }`, `{ outbox: {...} }`).
 */
export async function startAgenciesFixture(overrides: Record<string, unknown> = {}): Promise<AgenciesFixture> {
  const database = await prepareHubDatabase();
  const configOf = () => loadConfig({
    port: 0, dataDir: database.settings.dataDir, databaseUrl: database.settings.databaseUrl, logLevel: 'warn',
    outbox: { pollIntervalMs: 50, leaseMs: 5000, retry: { baseMs: 50, maxMs: 400, maxAttempts: 4 } },
    ...overrides,
    sandbox: { enabled: true, ...FREE_PORTS, ...(overrides.sandbox as Record<string, unknown> | undefined) },
  }, {});
  let running: EmbeddedHub = await startEmbedded(configOf());
  const agencies = running.sandboxes!;
  const keys = await loadOrCreateSigningKeys(path.join(database.settings.dataDir, 'keys'));
  return {
    get hub() { return running.hub; },
    agencies,
    token: (role, opts = {}) => issueToken({ privateKeyPem: keys.privateKeyPem, role, sub: opts.sub ?? `${role}-1`, post: opts.post }),
    async api(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) { body = JSON.stringify(opts.body); headers['content-type'] ??= 'application/json'; }
      const res = await fetch(running.hub.url + url, { method, headers, body });
      const bytes = Buffer.from(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, headers: res.headers, bytes, body: type.includes('json') && bytes.length ? JSON.parse(bytes.toString('utf8')) : bytes.toString('utf8') };
    },
    async restartHub() {
      // The agencies keep running (the embedded launcher would start new ones on new ports): only the hub restarts.
      await running.hub.stop();
      const config = configOf();
      config.partners = running.hub.config.partners;
      const hub = await startHub(config);
      const webhook = hub.webhooks.find((w) => w.partner === 'dgsn');
      if (webhook) agencies.dgsn.setWebhookUrl(webhook.url);
      const callback = hub.soapCallbacks.find((c) => c.partner === 'interior');
      if (callback) agencies.interior.setCallbackUrl(callback.url);
      running = { hub, sandboxes: agencies, async stop() { await hub.stop(); await stopSandboxes(agencies); } };
    },
    async dispose() {
      await running.stop();
      await database.dispose();
    },
  };
}
