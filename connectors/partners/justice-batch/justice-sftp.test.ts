/**
 * The Justice binding (SFTP side) on our side of the wire: the binding's connector, created by the SFTP
 * factory with test deployment settings merged over it, against the Justice sandbox over a real socket —
 * complete lots only, a lot's manifest and documents, the acknowledgement the Ministry reads, a lot
 * delivered again.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { isHubError } from '../../../broker/errors';
import { startJusticeSandbox, type JusticeSandbox, type PublishReport } from '../../../sandbox/justice';
import { validateConnectorConfig } from '../../_kit/config-validation';
import { sftpConnectorFactory, type SftpConnector, type SftpConnectorConfig } from '../../sftp';
import { loadPartnerBindings, resolvePartnerConfig } from '../bindings';
import { generateSshKeyPair } from '../../sftp/key-pair';

jest.setTimeout(60_000);

let dataDir: string;
let sandbox: JusticeSandbox;
let hubKeyPath: string;
const opened: SftpConnector[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'justice-sftp-'));
  const pair = generateSshKeyPair();
  hubKeyPath = join(dataDir, 'hub_ed25519');
  await writeFile(hubKeyPath, pair.private, { mode: 0o600 });
  sandbox = await startJusticeSandbox({ dataDir, hubPublicKey: pair.public });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  sandbox.faults.reset();
});
afterAll(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The binding as data, with what a deployment adds (host, port, user, key, host key pin) merged over it. */
async function connector(): Promise<SftpConnector> {
  const binding = (await loadPartnerBindings()).get('justice-batch');
  if (!binding) throw new Error('no justice-batch binding');
  const { protocol, ...settings } = resolvePartnerConfig(binding, {
    host: sandbox.host, port: sandbox.sftpPort, username: sandbox.sftpUsername, privateKeyPath: hubKeyPath,
    hostKey: { sha256: sandbox.hostKeyFingerprint }, timeoutMs: 5000,
  });
  expect(protocol).toBe('sftp');
  const config = validateConnectorConfig<SftpConnectorConfig>(sftpConnectorFactory.configSchema, settings, 'partners.justice-batch.sftp');
  // The factory's type is the generic Connector; the SFTP connector adds the inbound reads.
  const c = sftpConnectorFactory.create(config, { partner: 'justice-batch' }) as SftpConnector;
  opened.push(c);
  await c.connect();
  return c;
}

async function read(c: SftpConnector, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of c.readChunks(path)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function acknowledgement(lot: PublishReport): string {
  const plis = lot.plis.map((p) => (p.expected === 'Accepte'
    ? `<Pli><IdPli>${p.idPli}</IdPli><Accepte/></Pli>`
    : `<Pli><IdPli>${p.idPli}</IdPli><Rejete><Motif>${p.expected}</Motif></Rejete></Pli>`));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<AccuseLot xmlns="urn:ma:justice:plis:v1" id="${lot.lotId}">${plis.join('')}</AccuseLot>\n`;
}

describe('Justice binding (SFTP) with the Justice sandbox', () => {
  it('lists complete lots only; a lot without its marker is left alone until the marker comes', async () => {
    const complete = await sandbox.publishLot(2);
    sandbox.faults.set({ incompleteLot: 1 });
    const incomplete = await sandbox.publishLot(2);
    const c = await connector();
    const names = (await c.listComplete('lots')).map((e) => e.name);
    expect(names).toContain(`LOT_${complete.lotId}`);
    expect(names).not.toContain(`LOT_${incomplete.lotId}`);
    expect(names.every((n) => !n.endsWith('.pret'))).toBe(true);
    const entry = (await c.listComplete('lots')).find((e) => e.name === `LOT_${complete.lotId}`);
    expect(entry).toMatchObject({ isDirectory: true, path: complete.path, completionPath: `/sortant/LOT_${complete.lotId}.pret` });
    await sandbox.completeLot(incomplete.lotId);
    expect((await c.listComplete('lots')).map((e) => e.name)).toContain(`LOT_${incomplete.lotId}`);
  });

  it('reads a lot: the manifest names every document with its SHA-256, and the documents match', async () => {
    const lot = await sandbox.publishLot(6);
    const c = await connector();
    const files = (await c.listFolder(lot.path)).map((f) => f.name).sort();
    const manifest = await read(c, posix.join(lot.path, 'manifest.xml'));
    expect(sha256(manifest)).toBe(lot.manifestSha256);
    const pieces = [...manifest.toString('utf8').matchAll(/<Fichier>([^<]+)<\/Fichier><Empreinte>([0-9a-f]{64})<\/Empreinte>/g)];
    expect(files).toEqual(['manifest.xml', ...pieces.map(([, name]) => name)].sort());
    for (const [, name, digest] of pieces) {
      expect(await c.digestOf(posix.join(lot.path, name))).toBe(digest);
      expect((await read(c, posix.join(lot.path, name))).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
  });

  it('uploads the acknowledgement to /entrant; the Ministry reads it and finds every pli answered', async () => {
    const lot = await sandbox.publishLot(12);
    expect(lot.plis.some((p) => p.expected === 'HORS_CIRCONSCRIPTION')).toBe(true);
    const c = await connector();
    const fileName = `ACK_LOT_${lot.lotId}.xml`;
    const answer = await c.send({ messageId: randomUUID(), caseReference: `LOT-${lot.lotId}`, partner: 'justice-batch', operation: 'lot.acknowledge', payload: { fileName, content: acknowledgement(lot) } });
    expect(answer.body).toMatchObject({ fileName, alreadyThere: false });
    const [read1] = await sandbox.readAcknowledgements();
    expect(read1).toMatchObject({ file: fileName, lotId: lot.lotId, problems: [] });
    expect(read1.plis.filter((p) => p.outcome === 'Rejete').map((p) => p.motif)).toContain('HORS_CIRCONSCRIPTION');
    // Written under a temporary name, then renamed: the Ministry never sees a half-written file, and no companion.
    expect(sandbox.sftpEvents.some((e) => e.op === 'rename' && e.to === `/entrant/${fileName}`)).toBe(true);
    expect((await c.listFolder('/entrant')).map((f) => f.name)).not.toContain(`${fileName}.sha256`);
  });

  it('refuses an acknowledgement name outside the contract before anything is written', async () => {
    const c = await connector();
    try {
      await c.send({ messageId: randomUUID(), caseReference: 'LOT-X', partner: 'justice-batch', operation: 'lot.acknowledge', payload: { fileName: '../sortant/ACK.xml', content: '<AccuseLot/>' } });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(isHubError(error) && error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('a lot delivered again has the same content digest (same manifest, same documents)', async () => {
    const first = await sandbox.publishLot(3);
    const c = await connector();
    const manifestPath = posix.join(first.path, 'manifest.xml');
    const before = await c.digestOf(manifestPath);
    const manifestMtime = async (): Promise<number | undefined> => (await c.listFolder(first.path)).find((f) => f.name === 'manifest.xml')?.mtime;
    const mtimeBefore = await manifestMtime();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new modification time, to the second
    sandbox.faults.set({ redeliverLot: 1 });
    const again = await sandbox.publishLot(3);
    expect(again).toMatchObject({ lotId: first.lotId, redelivered: true });
    expect(await c.digestOf(manifestPath)).toBe(before);
    expect(before).toBe(first.manifestSha256);
    // Written again (a new modification time), complete again, same content: the digest is what tells.
    expect(await manifestMtime()).toBeGreaterThan(mtimeBefore ?? Infinity);
    expect((await c.listComplete('lots')).map((e) => e.name)).toContain(`LOT_${first.lotId}`);
  });
});
