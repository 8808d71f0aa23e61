/**
 * The NARSA SFTP sandbox over a real socket, driven with ssh2-sftp-client (not the hub's connector:
 * the two sides of the wire are tested apart).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { startNarsaSftpSandbox, type NarsaSftpSandbox } from '.';
import { generateSshKeyPair } from '../../../connectors/sftp/key-pair';

let dataDir: string;
let sandbox: NarsaSftpSandbox;
const hubKey = generateSshKeyPair();
const clients: SftpClient[] = [];
let batchNumber = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'narsa-sftp-sandbox-'));
  sandbox = await startNarsaSftpSandbox({ dataDir, hubPublicKey: hubKey.public });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  sandbox.faults.reset();
});
afterAll(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function client(privateKey: string = hubKey.private): Promise<SftpClient> {
  // Quiet global listeners: the 'down' test drops connections on purpose.
  const c = new SftpClient('narsa-sandbox-test', { error: () => undefined, end: () => undefined, close: () => undefined });
  clients.push(c);
  await c.connect({ host: sandbox.host, port: sandbox.port, username: sandbox.username, privateKey, readyTimeout: 10_000 });
  return c;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function verifFile(requests: Array<{ licence: string; cnie: string; birth: string }>): { name: string; xml: string; ids: string[] } {
  batchNumber += 1;
  const ids = requests.map(() => randomUUID());
  const body = requests.map((r, i) => `<Request seq="${i + 1}"><RequestId>${ids[i]}</RequestId><LicenceNumber>${r.licence}</LicenceNumber>`
    + `<Holder><Cnie>${r.cnie}</Cnie><LastName>X</LastName><FirstName>Y</FirstName><BirthDate>${r.birth}</BirthDate></Holder></Request>`).join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?><LicenceVerificationBatch xmlns="urn:ma:narsa:licence:1" batchId="T${batchNumber}" count="${requests.length}">${body}</LicenceVerificationBatch>`;
  return { name: `VERIF_CG-MADRID_20261127_${String(batchNumber).padStart(3, '0')}.xml`, xml, ids };
}

const DEMO = [
  { licence: '12/345678', cnie: 'bk123456', birth: '1990-04-12' },
  { licence: '15-998877', cnie: 'GH135790', birth: '1995-01-30' },
  { licence: '07/112233', cnie: 'AB987654', birth: '1975-11-04' },
  { licence: '00/000000', cnie: 'AA111111', birth: '2000-01-01' },
];

async function deposit(c: SftpClient, file: { name: string; xml: string }, withChecksum = true): Promise<void> {
  await c.put(Buffer.from(file.xml), `/depot/${file.name}`);
  if (withChecksum) await c.put(Buffer.from(`${sha256(file.xml)}\n`), `/depot/${file.name}.sha256`);
}

async function results(c: SftpClient, name: string): Promise<string> {
  return (await c.get(`/retour/RESULT_${name}`) as Buffer).toString('utf8');
}

describe('login', () => {
  it('lets in the hub key only, and keeps its host key across restarts', async () => {
    const c = await client();
    expect((await c.list('/')).map((e) => e.name).sort()).toEqual(['depot', 'retour']);
    const stranger = generateSshKeyPair();
    await expect(client(stranger.private)).rejects.toThrow(/authentication/i);
    const again = await startNarsaSftpSandbox({ dataDir, hubPublicKey: hubKey.public });
    try {
      expect(again.hostKeyFingerprint).toBe(sandbox.hostKeyFingerprint);
      expect(sandbox.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    } finally {
      await again.close();
    }
  });

  it('closes every connection while down', async () => {
    sandbox.faults.set({ down: true });
    await expect(client()).rejects.toThrow();
  });
});

describe('file system', () => {
  it('keeps paths inside its root and refuses a rename onto an existing file (SFTP v3)', async () => {
    const c = await client();
    await c.put(Buffer.from('a'), '/depot/../../../escape.txt');
    expect(await stat(join(sandbox.root, 'escape.txt')).then(() => true)).toBe(true);
    await c.put(Buffer.from('b'), '/depot/b.txt');
    await expect(c.rename('/escape.txt', '/depot/b.txt')).rejects.toThrow();
    await c.delete('/escape.txt');
    await c.delete('/depot/b.txt');
  });

  it('leaves a request unanswered with holdNext', async () => {
    const c = await client();
    sandbox.faults.set({ holdNext: 1 });
    const outcome = await Promise.race([c.list('/depot').then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('held'), 500))]);
    expect(outcome).toBe('held');
  });

  it('refuses an unknown fault switch or a bad value, changing nothing', () => {
    expect(() => sandbox.faults.set({ holdNext: -1 })).toThrow('holdNext');
    expect(() => sandbox.faults.set({ nope: 1 } as never)).toThrow('nope');
    expect(sandbox.faults.snapshot().holdNext).toBe(0);
  });
});

describe('night run', () => {
  it('answers every complete batch, one Result per request, not in request order, with its .sha256', async () => {
    await sandbox.runNight();
    const c = await client();
    const file = verifFile([...DEMO, ...DEMO, ...DEMO]);
    await deposit(c, file);
    const report = await sandbox.runNight();
    expect(report.answered).toEqual([file.name]);
    const xml = await results(c, file.name);
    expect((await c.get(`/retour/RESULT_${file.name}.sha256`) as Buffer).toString()).toBe(`${sha256(xml)}\n`);
    const found = [...xml.matchAll(/<Result><RequestId>([^<]+)<\/RequestId><Outcome>([A-Z_]+)<\/Outcome>/g)].map((m) => [m[1], m[2]]);
    expect(found).toHaveLength(12);
    const outcomes = new Map(found.map(([id, outcome]) => [id, outcome]));
    expect([0, 1, 2, 3].map((i) => outcomes.get(file.ids[i]))).toEqual(['FOUND', 'FOUND', 'MISMATCH', 'NOT_FOUND']);
    expect(found.map(([id]) => id)).not.toEqual(file.ids);
    expect(xml).toContain('<Licence><numero>12/345678</numero>');
    expect(xml).toContain('<statut>ANNULE</statut>');
    expect(xml).toMatch(/^<\?xml[^>]*\?>\n<LicenceVerificationResults xmlns="urn:ma:narsa:licence:1" batchId="T\d+" count="12">/);
    // Answered once: the next night writes nothing new.
    expect((await sandbox.runNight()).answered).toEqual([]);
  });

  it('leaves a batch without its .sha256, and refuses one whose digest does not match', async () => {
    await sandbox.runNight();
    const c = await client();
    const pending = verifFile(DEMO);
    await deposit(c, pending, false);
    const corrupt = verifFile(DEMO);
    await c.put(Buffer.from(corrupt.xml), `/depot/${corrupt.name}`);
    await c.put(Buffer.from(`${'0'.repeat(64)}\n`), `/depot/${corrupt.name}.sha256`);
    const report = await sandbox.runNight();
    expect(report.answered).toEqual([]);
    expect(report.refused).toEqual([{ file: corrupt.name, reason: 'digest does not match .sha256' }]);
    expect(await c.exists(`/retour/RESULT_${pending.name}`)).toBe(false);
  });

  it('plays its bad days: a malformed Result, an unknown RequestId, an incomplete lot, a re-delivery', async () => {
    await sandbox.runNight();
    const c = await client();
    const file = verifFile(DEMO);
    await deposit(c, file);
    sandbox.faults.set({ malformedResult: 1, unknownRequestId: 1, incompleteLot: 1 });
    await sandbox.runNight();
    const xml = await results(c, file.name);
    expect(xml).toContain('<Result><Outcome>PEUT-ETRE</Outcome></Result>');
    expect(xml.match(/<Result>/g)).toHaveLength(6);
    expect(xml).toContain('count="6"');
    expect(await c.exists(`/retour/RESULT_${file.name}.sha256`)).toBe(false);

    const second = verifFile(DEMO);
    await deposit(c, second);
    await sandbox.runNight();
    const path = join(sandbox.root, 'retour', `RESULT_${second.name}`);
    const before = await stat(path);
    const content = await readFile(path, 'utf8');
    sandbox.faults.set({ redeliverResults: true });
    const report = await sandbox.runNight();
    expect(report.redelivered).toContain(`RESULT_${second.name}`);
    const after = await stat(path);
    expect(after.mtimeMs).toBeGreaterThan(before.mtimeMs);
    expect(await readFile(path, 'utf8')).toBe(content);
    expect(sandbox.faults.redeliverResults).toBe(false);
  });
});

describe('attestation notices', () => {
  it('reads each ATTEST_<date>.csv once and says what breaks the contract format', async () => {
    const c = await client();
    const good = `\uFEFFnumero_attestation;numero_permis;cnie;pays_destination;date_emission\r\nATT-1;12/345678;BK123456;FRA;2026-11-27\r\n`;
    const bad = 'numero_attestation;numero_permis;cnie;pays_destination;date_emission\nATT-2;12/345678;BK123456\n';
    await c.put(Buffer.from(good, 'utf8'), '/depot/ATTEST_20261127.csv');
    await c.put(Buffer.from(bad, 'utf8'), '/depot/ATTEST_20261126.csv');
    const report = await sandbox.runNight();
    expect(report.attestations).toEqual([
      { file: 'ATTEST_20261126.csv', rows: 1, problems: ['no UTF-8 BOM', 'line ends are not CRLF', '1 row(s) without five fields'] },
      { file: 'ATTEST_20261127.csv', rows: 1, problems: [] },
    ]);
    expect((await sandbox.runNight()).attestations).toEqual([]);
  });
});

describe('control endpoint', () => {
  async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${sandbox.controlUrl}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    return { status: response.status, json: await response.json() as Record<string, unknown> };
  }

  it('shows the state, sets faults (refusing bad ones), runs the night and resets', async () => {
    const state = await control('GET', '/_sandbox/state');
    expect(sandbox.url).toBe(`sftp://127.0.0.1:${sandbox.port}`);
    expect(state).toMatchObject({ status: 200, json: { agency: 'narsa-sftp', hostKeyFingerprint: sandbox.hostKeyFingerprint, port: sandbox.port } });
    expect((await control('POST', '/_sandbox/faults', { malformedResult: 'yes' })).status).toBe(400);
    expect((await control('POST', '/_sandbox/faults', { malformedResult: 2 })).json).toMatchObject({ faults: { malformedResult: 2 } });
    await sandbox.runNight();
    sandbox.faults.set({ malformedResult: 2 });
    const file = verifFile(DEMO);
    await deposit(await client(), file);
    const night = await control('POST', '/_sandbox/run-night');
    expect(night.status).toBe(200);
    expect(JSON.parse(JSON.stringify(night.json))).toMatchObject({ answered: [file.name], redelivered: [], expired: [] });
    expect(sandbox.faults.malformedResult).toBe(1);
    expect((await control('GET', '/_sandbox/run-night')).status).toBe(405);
    expect((await control('POST', '/_sandbox/reset')).json).toMatchObject({ faults: { malformedResult: 0 } });
    expect((await control('GET', '/_sandbox/received')).json).toEqual({ entries: [] });
  });
});
