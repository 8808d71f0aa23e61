/**
 * The SFTP connector against the NARSA SFTP sandbox over a real socket: host key pinning, the upload
 * protocol as the server sees it, and the results side (streamed records, quarantine, re-delivery,
 * incomplete lots).
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { isHubError, type HubError } from '../../broker/errors';
import type { OutboundMessage } from '../_kit/contract';
import { InMemoryProcessedFileRegistry, NARSA_RESULTS, readNarsaResult, SftpConnector, sha256Fingerprint, type ConsumeOptions, type NarsaResult, type Quarantined } from './index';
import { startNarsaSftpPeer, type NarsaSftpPeer } from '../../test/sftp/narsa-sftp-peer';
import { generateSshKeyPair } from './key-pair';

let peer: NarsaSftpPeer;
const opened: SftpConnector[] = [];
let batchNumber = 0;

beforeAll(async () => { peer = await startNarsaSftpPeer(); });
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  peer.sandbox.faults.reset();
});
afterAll(async () => { await peer.close(); });

function connector(overrides: Record<string, unknown> = {}): SftpConnector {
  const c = new SftpConnector(peer.config(overrides), { partner: 'narsa' });
  opened.push(c);
  return c;
}

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (isHubError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const DEMO = [
  { licence: '12/345678', cnie: 'BK123456', birth: '1990-04-12' }, // FOUND (VALIDE)
  { licence: '07/112233', cnie: 'AB987654', birth: '1975-11-03' }, // FOUND (SUSPENDU)
  { licence: '12/345678', cnie: 'ZZ000000', birth: '1990-04-12' }, // MISMATCH
  { licence: '99/000000', cnie: 'XY111111', birth: '1980-01-01' }, // NOT_FOUND
];

function batch(count: number): { fileName: string; content: string; requestIds: string[] } {
  batchNumber += 1;
  const fileName = `VERIF_CG-PARIS_20261127_${String(batchNumber).padStart(3, '0')}.xml`;
  const requestIds: string[] = [];
  const requests: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const demo = DEMO[i % DEMO.length];
    const id = randomUUID();
    requestIds.push(id);
    requests.push(`<Request seq="${i + 1}"><RequestId>${id}</RequestId><LicenceNumber>${demo.licence}</LicenceNumber>`
      + `<Holder><Cnie>${demo.cnie}</Cnie><LastName>NOM</LastName><FirstName>Prenom</FirstName><BirthDate>${demo.birth}</BirthDate></Holder></Request>`);
  }
  const content = `<?xml version="1.0" encoding="UTF-8"?>\n<LicenceVerificationBatch xmlns="urn:ma:narsa:licence:1" batchId="B-${batchNumber}" count="${count}">\n${requests.join('\n')}\n</LicenceVerificationBatch>\n`;
  return { fileName, content, requestIds };
}

function uploadMessage(file: { fileName: string; content: string }): OutboundMessage {
  return { messageId: randomUUID(), caseReference: 'BATCH-CG-PARIS-20261127', partner: 'narsa', operation: 'licence.bulk-verify', payload: { fileName: file.fileName, content: file.content } };
}

/** Collects the records and quarantined entries of one result file (other files are consumed too, and ignored). */
function collector(fileName: string, registry = new InMemoryProcessedFileRegistry()): { options: ConsumeOptions<NarsaResult>; records: NarsaResult[]; quarantined: Quarantined[]; registry: InMemoryProcessedFileRegistry } {
  const records: NarsaResult[] = [];
  const quarantined: Quarantined[] = [];
  return {
    records, quarantined, registry,
    options: {
      source: 'results', registry, ...NARSA_RESULTS, read: readNarsaResult,
      onRecord: async (record, context) => { if (context.file === fileName) records.push(record); },
      onQuarantine: async (entry) => { if (entry.file === fileName) quarantined.push(entry); },
    },
  };
}

describe('host key pinning', () => {
  it('connects with the pinned fingerprint or the pinned public key', async () => {
    await connector().connect();
    await connector({ hostKey: { publicKey: peer.sandbox.hostPublicKey } }).connect();
  });

  it('refuses a server whose key is not the pinned one, naming both fingerprints', async () => {
    const other = generateSshKeyPair();
    const otherFingerprint = sha256Fingerprint(Buffer.from(other.public.split(' ')[1], 'base64'));
    const c = connector({ hostKey: { sha256: otherFingerprint } });
    const error = await failureOf(c.connect());
    expect([error.code, error.retryable]).toEqual(['PARTNER_REJECTED', false]);
    expect(error.message).toContain('host key refused');
    expect(error.message).toContain(peer.sandbox.hostKeyFingerprint);
    expect(error.message).toContain(otherFingerprint);
    expect((await c.health()).ok).toBe(false);
    // Nothing reached the SFTP layer.
    expect(peer.sandbox.events).toEqual(expect.not.arrayContaining([expect.objectContaining({ op: 'open-write' })]));
  });

  it('refuses a changed public key too', async () => {
    const other = generateSshKeyPair();
    const error = await failureOf(connector({ hostKey: { publicKey: other.public } }).connect());
    expect(error.code).toBe('PARTNER_REJECTED');
  });

  it('is refused by the server with a key it does not know', async () => {
    const stranger = generateSshKeyPair();
    const path = join(peer.dataDir, 'stranger_key');
    await writeFile(path, stranger.private, { mode: 0o600 });
    const error = await failureOf(connector({ privateKeyPath: path }).connect());
    expect([error.code, error.retryable]).toEqual(['PARTNER_REJECTED', false]);
    expect(error.message).toContain("refused the hub's SSH key");
  });
});

describe('upload', () => {
  it('writes under a temporary name, renames, then writes the .sha256 with the hex digest', async () => {
    const c = connector();
    await c.connect();
    const file = batch(3);
    const before = peer.sandbox.events.length;
    const answer = await c.send(uploadMessage(file));
    expect(answer.status).toBe(0);
    const events = peer.sandbox.events.slice(before).filter((e) => e.op !== 'read');
    expect(events.map((e) => e.op)).toEqual(['open-write', 'rename', 'open-write', 'rename']);
    const [openData, renameData, openSum, renameSum] = events;
    expect(openData.path).not.toBe(`/depot/${file.fileName}`);
    expect(openData.path.startsWith('/depot/.')).toBe(true);
    expect(renameData).toMatchObject({ path: openData.path, to: `/depot/${file.fileName}` });
    expect(renameSum).toMatchObject({ path: openSum.path, to: `/depot/${file.fileName}.sha256` });
    const digest = (answer.body as { sha256: string }).sha256;
    expect(await readFile(join(peer.sandbox.root, 'depot', `${file.fileName}.sha256`), 'utf8')).toBe(`${digest}\n`);
    expect(await readFile(join(peer.sandbox.root, 'depot', file.fileName), 'utf8')).toBe(file.content);
    // No temporary file left behind.
    expect((await readdir(join(peer.sandbox.root, 'depot'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('is idempotent for a retry of the same file, and refuses other content under a complete name', async () => {
    const c = connector();
    await c.connect();
    const file = batch(1);
    await c.send(uploadMessage(file));
    const again = await c.send(uploadMessage(file));
    expect((again.body as { alreadyThere: boolean }).alreadyThere).toBe(true);
    const error = await failureOf(c.send(uploadMessage({ fileName: file.fileName, content: `${file.content}<!-- changed -->` })));
    expect([error.code, error.retryable]).toEqual(['PARTNER_REJECTED', false]);
  });

  it('uploads a stream without holding it whole, with the same protocol and idempotency', async () => {
    const c = connector();
    await c.connect();
    const file = batch(3000);
    const pieces = function* (): Generator<string> {
      for (let offset = 0; offset < file.content.length; offset += 10_000) yield file.content.slice(offset, offset + 10_000);
    };
    const before = peer.sandbox.events.length;
    const result = await c.uploadStream('licence.bulk-verify', file.fileName, pieces());
    expect(result).toMatchObject({ bytes: Buffer.byteLength(file.content), alreadyThere: false });
    expect(peer.sandbox.events.slice(before).filter((e) => e.op !== 'read').map((e) => e.op)).toEqual(['open-write', 'rename', 'open-write', 'rename']);
    expect(await readFile(join(peer.sandbox.root, 'depot', file.fileName), 'utf8')).toBe(file.content);
    expect(await readFile(join(peer.sandbox.root, 'depot', `${file.fileName}.sha256`), 'utf8')).toBe(`${result.sha256}\n`);
    expect(await c.uploadStream('licence.bulk-verify', file.fileName, pieces())).toMatchObject({ alreadyThere: true, sha256: result.sha256 });
    const tooBig = await failureOf(connector({ maxUploadBytes: 50_000 }).connect().then(async () => opened[opened.length - 1].uploadStream('licence.bulk-verify', batch(1).fileName, pieces())));
    expect(tooBig.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await readdir(join(peer.sandbox.root, 'depot'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('leaves no file in place when the server keeps other bytes than were sent', async () => {
    const c = connector();
    await c.connect();
    peer.sandbox.faults.set({ padNextUpload: 1 });
    const file = batch(1);
    expect((await failureOf(c.send(uploadMessage(file)))).code).toBe('PARTNER_BAD_RESPONSE');
    expect((await readdir(join(peer.sandbox.root, 'depot'))).filter((n) => n.includes(file.fileName))).toEqual([]);
  });

  it('refuses a file name outside the pattern and an upload above maxUploadBytes, before the wire', async () => {
    const c = connector({ maxUploadBytes: 100 });
    await c.connect();
    const bad = await failureOf(c.send(uploadMessage({ fileName: '../etc/passwd', content: 'x' })));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.message).not.toContain('passwd');
    const big = await failureOf(c.send(uploadMessage(batch(2))));
    expect(big.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('gives up on a server that accepts the connection and never speaks, with PARTNER_TIMEOUT', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => { sockets.add(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const error = await failureOf(connector({ port: (silent.address() as AddressInfo).port, connectTimeoutMs: 500 }).connect());
      expect([error.code, error.retryable]).toEqual(['PARTNER_TIMEOUT', true]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('reports a server that is down as PARTNER_UNAVAILABLE (retryable)', async () => {
    peer.sandbox.faults.set({ down: true });
    const error = await failureOf(connector().connect());
    expect([error.code, error.retryable]).toEqual(['PARTNER_UNAVAILABLE', true]);
  });
});

describe('results', () => {
  async function uploadAndRunNight(count: number, faults: Record<string, number | boolean> = {}): Promise<{ requestIds: string[]; fileName: string }> {
    // Answer what earlier tests left in /depot first, so the faults hit this file.
    await peer.sandbox.runNight();
    const c = connector();
    await c.connect();
    const file = batch(count);
    await c.send(uploadMessage(file));
    await c.close();
    peer.sandbox.faults.set(faults);
    const night = await peer.sandbox.runNight();
    expect(night.answered).toContain(file.fileName);
    return file;
  }

  it('streams a 2,000-record file record by record, quarantines the malformed one, processes the rest once', async () => {
    const file = await uploadAndRunNight(2000, { malformedResult: 1 });
    const c = connector();
    await c.connect();
    const { options, records, quarantined, registry } = collector(`RESULT_${file.fileName}`);
    let inFlight = 0;
    let maxInFlight = 0;
    options.onRecord = async (record, context) => {
      if (context.file !== `RESULT_${file.fileName}`) return;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (records.length % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      records.push(record);
      inFlight -= 1;
    };
    const reports = await c.consumeXmlRecords(options);
    const report = reports.find((r) => r.file === `RESULT_${file.fileName}`);
    expect(report).toMatchObject({ outcome: 'processed', records: 2000, quarantined: 1 });
    expect(maxInFlight).toBe(1);
    expect(new Set(records.map((r) => r.requestId))).toEqual(new Set(file.requestIds));
    // Not in request order.
    expect(records.map((r) => r.requestId)).not.toEqual(file.requestIds);
    const byId = new Map(records.map((r) => [r.requestId, r]));
    expect(byId.get(file.requestIds[0])).toMatchObject({ outcome: 'FOUND', licence: { numero: '12/345678', statut: 'VALIDE', categories: [{ code: 'B', restrictions: [] }] } });
    expect(byId.get(file.requestIds[1])).toMatchObject({ outcome: 'FOUND', licence: { statut: 'SUSPENDU', categories: [{ code: 'A' }, { code: 'B', restrictions: ['01'] }] } });
    expect(byId.get(file.requestIds[2])).toEqual({ requestId: file.requestIds[2], outcome: 'MISMATCH' });
    expect(byId.get(file.requestIds[3])).toEqual({ requestId: file.requestIds[3], outcome: 'NOT_FOUND' });
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ file: `RESULT_${file.fileName}`, reason: 'RequestId is missing' });
    expect(quarantined[0].raw).toContain('<Outcome>PEUT-ETRE</Outcome>');
    expect(quarantined[0].index).toBeGreaterThan(1);
    expect(registry.entries().map((e) => e.fileName)).toContain(`RESULT_${file.fileName}`);

    // The same file written again with a new modification time is not processed twice.
    peer.sandbox.faults.set({ redeliverResults: true });
    const night = await peer.sandbox.runNight();
    expect(night.redelivered).toContain(`RESULT_${file.fileName}`);
    const again = collector(`RESULT_${file.fileName}`, registry);
    const second = await c.consumeXmlRecords(again.options);
    expect(second.find((r) => r.file === `RESULT_${file.fileName}`)).toMatchObject({ outcome: 'already-processed', records: 0 });
    expect(again.records).toEqual([]);
  });

  it('hands over a result for an unknown RequestId like any other (the hub decides)', async () => {
    const file = await uploadAndRunNight(4, { unknownRequestId: 1 });
    const c = connector();
    await c.connect();
    const { options, records } = collector(`RESULT_${file.fileName}`);
    const reports = await c.consumeXmlRecords(options);
    expect(reports.find((r) => r.file === `RESULT_${file.fileName}`)).toMatchObject({ outcome: 'processed', records: 5, quarantined: 0 });
    expect(records.filter((r) => !file.requestIds.includes(r.requestId))).toHaveLength(1);
  });

  it('leaves an incomplete lot (no .sha256) alone', async () => {
    const file = await uploadAndRunNight(2, { incompleteLot: 1 });
    const c = connector();
    await c.connect();
    expect((await c.listComplete('results')).map((e) => e.name)).not.toContain(`RESULT_${file.fileName}`);
    const { options, records } = collector(`RESULT_${file.fileName}`);
    const reports = await c.consumeXmlRecords(options);
    expect(reports.map((r) => r.file)).not.toContain(`RESULT_${file.fileName}`);
    expect(records.filter((r) => file.requestIds.includes(r.requestId))).toEqual([]);
  });
});
