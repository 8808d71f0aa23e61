/**
 * The NARSA sandbox over real sockets: node:https with the hub's client certificate, and the
 * control endpoint over node:http. Agents are per request and not kept alive, so jest can exit.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { type RequestOptions, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSandboxPki } from '../pki';
import { type NarsaSandbox, startNarsaSandbox } from '.';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let dataDir: string;
let sandbox: NarsaSandbox;
let tls: { ca: Buffer; cert: Buffer; key: Buffer };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'narsa-sandbox-'));
  sandbox = await startNarsaSandbox({ dataDir });
  tls = await loadClientTls();
});

afterAll(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  expect((await control('POST', '/_sandbox/reset')).status).toBe(200);
});

async function loadClientTls(): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }> {
  const { caCertPath, clientCertPath, clientKeyPath } = sandbox.pki;
  const [ca, cert, key] = await Promise.all([caCertPath, clientCertPath, clientKeyPath].map((p) => readFile(p)));
  return { ca, cert, key };
}

function send(path: string, options: { headers?: Record<string, string>; method?: string; tlsOverride?: Partial<RequestOptions>; timeoutMs?: number } = {}): Promise<Reply> {
  const url = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: url.hostname,
      port: url.port,
      path,
      method: options.method ?? 'GET',
      headers: { 'X-Message-Id': randomUUID(), 'X-Case-Reference': 'CG-PARIS-2026-000001', ...options.headers },
      agent: false,
      ...tls,
      ...options.tlsOverride,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client gave up')));
    req.on('error', reject);
    req.end();
  });
}

function permisPath(numero: string, cnie: string, dateNaissance: string): string {
  return `/narsa/v1/permis/${encodeURIComponent(numero)}?cnie=${encodeURIComponent(cnie)}&dateNaissance=${dateNaissance}`;
}

const AMINA = permisPath('12/345678', 'BK123456', '1990-04-12');

function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${sandbox.controlUrl}${path}`, { method, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function setFaults(patch: Record<string, unknown>): Promise<void> {
  const reply = await control('POST', '/_sandbox/faults', patch);
  expect(reply.status).toBe(200);
}

function errorCode(reply: Reply): unknown {
  return (JSON.parse(reply.body) as { code?: unknown }).code;
}

describe('GET /narsa/v1/permis/{numero}', () => {
  it('answers 200 with the documented licence body', async () => {
    const reply = await send(AMINA);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.body)).toEqual({
      numero: '12/345678',
      titulaire: { cnie: 'BK123456', nom: 'EL FASSI', prenom: 'Amina', nomArabe: 'الفاسي', prenomArabe: 'أمينة', dateNaissance: '1990-04-12' },
      dateDelivrance: '2022-06-15',
      dateExpiration: '2032-06-14',
      statut: 'VALIDE',
      categories: [{ code: 'B', dateObtention: '2012-06-15', restrictions: [] }],
      centreEmetteur: 'RABAT',
    });
  });

  it.each([
    ['07/112233', 'AB987654', '1975-11-03', 'SUSPENDU'],
    ['03/556677', 'EE246810', '1982-07-19', 'EXPIRE'],
    ['15-998877', 'GH135790', '1995-01-30', 'ANNULE'],
    ['98/445566', 'JK864209', '1968-09-05', 'REMPLACE'],
    ['21/445566', 'jk864209', '1968-09-05', 'VALIDE'],
  ])('knows licence %s (holder %s) as %s', async (numero, cnie, born, statut) => {
    const reply = await send(permisPath(numero, cnie, born));
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ numero, statut });
  });

  it('leaves out Arabic names the agency does not have', async () => {
    const body = JSON.parse((await send(permisPath('03/556677', 'EE246810', '1982-07-19'))).body) as { titulaire: object };
    expect(Object.keys(body.titulaire).sort()).toEqual(['cnie', 'dateNaissance', 'nom', 'prenom']);
  });

  it('answers 404 for an unknown licence', async () => {
    const reply = await send(permisPath('99/000000', 'BK123456', '1990-04-12'));
    expect(reply.status).toBe(404);
    expect(errorCode(reply)).toBe('PERMIS_INCONNU');
  });

  it('answers 409 when the licence exists but the holder data do not match, without echoing them', async () => {
    for (const path of [permisPath('12/345678', 'AB987654', '1990-04-12'), permisPath('12/345678', 'BK123456', '1990-04-13')]) {
      const reply = await send(path);
      expect(reply.status).toBe(409);
      expect(errorCode(reply)).toBe('TITULAIRE_NON_CONCORDANT');
      expect(reply.body).not.toMatch(/BK123456|AB987654|1990/);
    }
  });

  it.each([
    ['no cnie', '/narsa/v1/permis/12%2F345678?dateNaissance=1990-04-12'],
    ['no dateNaissance', '/narsa/v1/permis/12%2F345678?cnie=BK123456'],
    ['a malformed date', permisPath('12/345678', 'BK123456', '12/04/1990')],
    ['an impossible date', permisPath('12/345678', 'BK123456', '1990-02-30')],
    ['a malformed cnie', permisPath('12/345678', 'BK-123456', '1990-04-12')],
    ['cnie given twice', `${AMINA}&cnie=BK123456`],
    ['a bad percent-encoding', '/narsa/v1/permis/12%ZZ345678?cnie=BK123456&dateNaissance=1990-04-12'],
  ])('answers 400 for %s', async (_case, path) => {
    const reply = await send(path);
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe('REQUETE_INVALIDE');
  });

  it('requires X-Message-Id as a UUID', async () => {
    const reply = await send(AMINA, { headers: { 'X-Message-Id': 'not-a-uuid' } });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe('IDENTIFIANT_MESSAGE_MANQUANT');
  });

  it('does not find a licence number whose "/" was not encoded', async () => {
    const reply = await send('/narsa/v1/permis/12/345678?cnie=BK123456&dateNaissance=1990-04-12');
    expect(reply.status).toBe(404);
    expect(errorCode(reply)).toBe('RESSOURCE_INCONNUE');
  });

  it('allows GET only', async () => {
    const reply = await send(AMINA, { method: 'DELETE' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET');
  });
});

describe('mutual TLS', () => {
  // The server's TLS alert ("certificate required", "unknown CA"; EPROTO under TLS 1.2), or the
  // reset that follows it when the client reads after the server has closed. Either way no
  // request reaches the agency, which the received count shows.
  const TLS_REFUSED = expect.stringMatching(/^(ERR_SSL_TLSV1\d?_ALERT_|EPROTO$|ECONNRESET$)/) as unknown;

  it('refuses a client without a certificate at the TLS layer', async () => {
    await expect(send(AMINA, { tlsOverride: { cert: undefined, key: undefined } })).rejects.toMatchObject({ code: TLS_REFUSED });
    expect(sandbox.received.counts().received).toBe(0);
  });

  it('refuses a client certificate issued by another CA', async () => {
    const other = await ensureSandboxPki(join(dataDir, 'other-ca'));
    const [cert, key] = await Promise.all([readFile(other.clientCertPath), readFile(other.clientKeyPath)]);
    await expect(send(AMINA, { tlsOverride: { cert, key } })).rejects.toMatchObject({ code: TLS_REFUSED });
    expect(sandbox.received.counts().received).toBe(0);
  });

  it('presents a server certificate the agency CA vouches for (127.0.0.1 in its names)', async () => {
    // The client checks the server against the CA and the IP by default: a 200 proves both.
    expect((await send(AMINA, { tlsOverride: { rejectUnauthorized: true } })).status).toBe(200);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After beyond 10 requests in a second', async () => {
    const replies = await Promise.all(Array.from({ length: 11 }, () => send(AMINA)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(10);
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0].headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(errorCode(limited[0])).toBe('TROP_DE_REQUETES');
    expect(sandbox.received.entries().filter((e) => e.fault === 'rate-limit').length).toBe(limited.length);
  });
});

describe('received log', () => {
  it('records message id, case reference and status, flags a repeated message id, and keeps no query values', async () => {
    const messageId = randomUUID();
    const headers = { 'X-Message-Id': messageId, 'X-Case-Reference': 'CG-PARIS-2026-000042' };
    await send(AMINA, { headers });
    await send(AMINA, { headers });

    const reply = await control('GET', '/_sandbox/received');
    const entries = (reply.json as { entries: Array<Record<string, unknown>> }).entries;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      method: 'GET', path: '/narsa/v1/permis/12%2F345678', queryKeys: ['cnie', 'dateNaissance'],
      messageId, caseReference: 'CG-PARIS-2026-000042', repeated: false, status: 200, fault: null,
    });
    expect(entries[1]).toMatchObject({ messageId, repeated: true, status: 200 });
    expect(JSON.stringify(entries)).not.toMatch(/BK123456|1990-04-12/);
    expect(sandbox.received.byMessageId(messageId)).toHaveLength(2);
  });
});

describe('fault switches over the control endpoint', () => {
  it('fail503: the next N requests answer 503, then normal service', async () => {
    await setFaults({ fail503: 2 });
    expect((await send(AMINA)).status).toBe(503);
    const second = await send(AMINA);
    expect(second.status).toBe(503);
    expect(errorCode(second)).toBe('SERVICE_INDISPONIBLE');
    expect((await send(AMINA)).status).toBe(200);
  });

  it('fail503 "always" keeps failing until reset', async () => {
    await setFaults({ fail503: 'always' });
    for (let i = 0; i < 3; i++) expect((await send(AMINA)).status).toBe(503);
    await control('POST', '/_sandbox/reset');
    expect((await send(AMINA)).status).toBe(200);
  });

  it('fail429: the next N requests answer 429 with the configured Retry-After', async () => {
    await setFaults({ fail429: 1, retryAfterSeconds: 7 });
    const reply = await send(AMINA);
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('7');
    expect((await send(AMINA)).status).toBe(200);
  });

  it('latencyMs delays every answer', async () => {
    await setFaults({ latencyMs: 400 });
    const started = Date.now();
    expect((await send(AMINA)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('timeout: the next request is never answered, the client has to give up', async () => {
    await setFaults({ timeout: 1 });
    await expect(send(AMINA, { timeoutMs: 300 })).rejects.toThrow('client gave up');
    expect(sandbox.received.entries()[0]).toMatchObject({ status: null, fault: 'timeout' });
    expect((await send(AMINA)).status).toBe(200);
  });

  it('down: connections are closed at once, and service returns when switched off', async () => {
    await setFaults({ down: true });
    await expect(send(AMINA)).rejects.toMatchObject({ code: 'ECONNRESET' });
    const state = await control('GET', '/_sandbox/state');
    expect(state.json).toMatchObject({ faults: { down: true }, counts: { received: 0, refusedConnections: 1 } });
    await setFaults({ down: false });
    expect((await send(AMINA)).status).toBe(200);
  });

  it('faults set from code work the same', async () => {
    sandbox.faults.set({ fail503: 1 });
    expect((await send(AMINA)).status).toBe(503);
    sandbox.faults.fail429 = 1;
    expect((await send(AMINA)).status).toBe(429);
    expect((await send(AMINA)).status).toBe(200);
  });

  it('refuses an unknown or ill-typed switch and changes nothing', async () => {
    expect((await control('POST', '/_sandbox/faults', { fail530: 1 })).status).toBe(400);
    expect((await control('POST', '/_sandbox/faults', { fail503: 2, latencyMs: -5 })).status).toBe(400);
    expect(sandbox.faults.snapshot()).toEqual({ latencyMs: 0, fail503: 0, fail429: 0, retryAfterSeconds: 1, timeout: 0, down: false });
  });

  it('state reports faults and counts', async () => {
    await send(AMINA);
    await send(permisPath('99/000000', 'BK123456', '1990-04-12'));
    await setFaults({ fail503: 3 });
    const state = await control('GET', '/_sandbox/state');
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({
      agency: 'narsa',
      faults: { fail503: 3 },
      counts: { received: 2, answered: 2, byStatus: { 200: 1, 404: 1 } },
      rateLimit: { requests: 10, windowMs: 1000 },
    });
  });
});

describe('PKI across restarts', () => {
  it('reuses the same CA and client certificate when started again on the same data dir', async () => {
    const caBefore = await readFile(sandbox.pki.caCertPath, 'utf8');
    await sandbox.close();
    sandbox = await startNarsaSandbox({ dataDir });
    expect(await readFile(sandbox.pki.caCertPath, 'utf8')).toBe(caBefore);
    // The client material loaded before the restart is still accepted.
    expect((await send(AMINA)).status).toBe(200);
  });
});
