import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { issueToken, loadOrCreateSigningKeys } from '../../portal-adapter/auth';
import { startNarsaSandbox, type NarsaSandbox } from '../../sandbox';
import { prepareHubDatabase } from '../support/database';
import { amina, licenceRequest } from '../support/demo';
import { eventually } from '../support/hub-fixture';

const HUB_BIN = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'hub.js');

/**
 * Guarantee 1 with a real process: the hub is SIGKILLed between accepting a request and delivering its NARSA
 * message; after a restart the message is delivered, the request completes, nothing is lost or doubled.
 * Runs the built hub (`npm test` builds before jest).
 */
describe('hub killed with SIGKILL while a partner message is pending', () => {
  let db: Awaited<ReturnType<typeof prepareHubDatabase>>;
  let narsa: NarsaSandbox;
  let child: ChildProcess | undefined;
  let token: string;
  let configFile: string;

  beforeAll(async () => {
    if (!existsSync(HUB_BIN)) throw new Error('dist/cli/hub.js is missing: run `npm run build` first (npm test does)');
    db = await prepareHubDatabase();
    narsa = await startNarsaSandbox({ dataDir: db.settings.dataDir, port: 0, controlPort: 0 });
    configFile = path.join(db.settings.dataDir, 'hub.json');
    writeFileSync(configFile, JSON.stringify({
      port: 0, logLevel: 'warn',
      outbox: { pollIntervalMs: 50, leaseMs: 1500, retry: { baseMs: 100, maxMs: 300, maxAttempts: 50 } },
      partners: { narsa: { rest: { baseUrl: narsa.url, tls: { caPath: narsa.pki.caCertPath, certPath: narsa.pki.clientCertPath, keyPath: narsa.pki.clientKeyPath } } } },
    }));
    const keys = await loadOrCreateSigningKeys(path.join(db.settings.dataDir, 'keys'));
    token = await issueToken({ privateKeyPem: keys.privateKeyPem, role: 'citizen', sub: 'amina' });
  });
  afterEach(() => { child?.kill('SIGKILL'); child = undefined; });
  afterAll(async () => { await narsa.close(); await db.dispose(); });

  async function startHubProcess(): Promise<string> {
    const runFile = path.join(db.settings.dataDir, 'run', 'hub.json');
    rmSync(runFile, { force: true });
    const env: NodeJS.ProcessEnv = { ...process.env, HUB_DATA_DIR: db.settings.dataDir, HUB_CONFIG: configFile, HUB_SANDBOX: '0', AMQP_URL: '' };
    if (db.settings.databaseUrl) env.DATABASE_URL = db.settings.databaseUrl; else delete env.DATABASE_URL;
    const proc = spawn(process.execPath, [HUB_BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child = proc;
    return eventually(async () => {
      if (proc.exitCode !== null) throw new Error(`hub exited with ${proc.exitCode}`);
      if (!existsSync(runFile)) return undefined;
      const run = JSON.parse(readFileSync(runFile, 'utf8')) as { pid: number; portal: string };
      return run.pid === proc.pid ? run.portal : undefined;
    }, 30000, 100);
  }

  function killHub(): Promise<void> {
    const proc = child;
    if (!proc) return Promise.resolve();
    child = undefined;
    return new Promise((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGKILL'); });
  }

  async function api(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + url, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  type View = { status: string; reference: string; history: Array<{ status: string }>; exchanges: Array<{ id: string; direction: string; status: string; attempts: number }> };

  it('killed while NARSA is answering: redelivered with the same message id, applied once', async () => {
    narsa.faults.reset();
    narsa.received.clear();
    narsa.faults.set({ latencyMs: 4000 });
    let base = await startHubProcess();
    const created = await api(base, 'POST', '/api/v1/requests', licenceRequest(amina), { 'idempotency-key': 'kill-1' });
    expect(created.status).toBe(201);
    const { id, reference } = created.body as { id: string; reference: string };
    await eventually(async () => (narsa.received.entries().some((e) => e.caseReference === reference) ? true : undefined));
    await killHub();
    narsa.faults.reset();

    base = await startHubProcess();
    const ready = await eventually(async () => {
      const v = (await api(base, 'GET', `/api/v1/requests/${id}`)).body as unknown as View;
      return v.status === 'ready-for-decision' ? v : undefined;
    }, 30000, 100);
    expect(ready.history.map((h) => h.status)).toEqual(['submitted', 'awaiting-partners', 'ready-for-decision']);
    const out = ready.exchanges.filter((e) => e.direction === 'out');
    expect(out).toHaveLength(1);
    const sent = narsa.received.entries().filter((e) => e.caseReference === reference);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent.map((e) => e.messageId))).toEqual(new Set([out[0].id]));
    expect(ready.exchanges.filter((e) => e.direction === 'in')).toHaveLength(1);
  }, 90000);

  it('killed while NARSA refuses connections: the accepted request survives and completes after restart', async () => {
    narsa.faults.reset();
    narsa.received.clear();
    narsa.faults.set({ down: true });
    let base = await startHubProcess();
    const created = await api(base, 'POST', '/api/v1/requests', licenceRequest(amina), { 'idempotency-key': 'kill-2' });
    expect(created.status).toBe(201);
    const { id, reference } = created.body as { id: string; reference: string };
    await new Promise((r) => setTimeout(r, 500));
    await killHub();
    narsa.faults.reset();

    base = await startHubProcess();
    const again = await api(base, 'POST', '/api/v1/requests', licenceRequest(amina), { 'idempotency-key': 'kill-2' });
    expect(again.body.id).toBe(id); // the idempotency record survived the kill too
    const ready = await eventually(async () => {
      const v = (await api(base, 'GET', `/api/v1/requests/${id}`)).body as unknown as View;
      return v.status === 'ready-for-decision' ? v : undefined;
    }, 30000, 100);
    expect(ready.history.filter((h) => h.status === 'ready-for-decision')).toHaveLength(1);
    const answered = narsa.received.entries().filter((e) => e.caseReference === reference && e.status === 200);
    expect(answered).toHaveLength(1);
  }, 90000);
});
