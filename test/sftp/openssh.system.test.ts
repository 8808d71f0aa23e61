/**
 * The SFTP connector against OpenSSH's own sftp-server (internal-sftp), not only our sandbox: the
 * upload protocol (temporary name, rename, .sha256), streamed results, and the host key pin.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isHubError } from '../../broker/errors';
import { validateConnectorConfig } from '../../connectors/_kit/contract';
import {
  InMemoryProcessedFileRegistry, NARSA_RESULTS, readNarsaResult, sftpConfigSchema, SftpConnector, sha256Fingerprint,
  type NarsaResult, type SftpConnectorConfig,
} from '../../connectors/sftp';
import { startOpenSshServer, type OpenSshServer } from './openssh-server';
import { generateSshKeyPair } from '../../connectors/sftp/key-pair';

let sshd: OpenSshServer;
const opened: SftpConnector[] = [];

beforeAll(async () => { sshd = await startOpenSshServer(); }, 60_000);
afterEach(async () => { await Promise.all(opened.splice(0).map((c) => c.close())); });
afterAll(async () => { await sshd?.stop(); });

function connector(overrides: Record<string, unknown> = {}): SftpConnector {
  const config = validateConnectorConfig<SftpConnectorConfig>(sftpConfigSchema, {
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKeyPath: sshd.userKeyPath,
    hostKey: { sha256: sshd.hostKeyFingerprint },
    timeoutMs: 10_000,
    operations: { 'licence.bulk-verify': { directory: join(sshd.dir, 'depot'), fileNamePattern: 'VERIF_[A-Z-]+_[0-9]{8}_[0-9]{3}\\.xml' } },
    inbound: {
      results: { directory: join(sshd.dir, 'retour'), fileNamePattern: 'RESULT_VERIF_.*\\.xml', completion: 'sha256-companion' },
      lots: { directory: join(sshd.dir, 'sortant'), fileNamePattern: 'LOT_[A-Za-z0-9_-]+', completion: 'marker-file' },
    },
    ...overrides,
  }, 'partners.narsa.sftp');
  const c = new SftpConnector(config, { partner: 'narsa' });
  opened.push(c);
  return c;
}

it('pins the host key as ssh-keygen prints it, and refuses another one', async () => {
  const c = connector();
  await c.connect();
  expect((await c.health()).ok).toBe(true);
  // Our fingerprint of the key sshd presents equals ssh-keygen's.
  expect(sha256Fingerprint(Buffer.from(sshd.hostPublicKey.split(' ')[1], 'base64'))).toBe(sshd.hostKeyFingerprint);
  const other = generateSshKeyPair();
  const refused = await connector({ hostKey: { publicKey: other.public } }).connect().then(() => undefined, (e: unknown) => e);
  expect(isHubError(refused) && refused.code).toBe('PARTNER_REJECTED');
});

it('uploads under a temporary name, renames, writes the .sha256; a retry writes nothing twice', async () => {
  await mkdir(join(sshd.dir, 'depot'), { recursive: true });
  const c = connector();
  await c.connect();
  const content = `<LicenceVerificationBatch xmlns="urn:ma:narsa:licence:1" batchId="B1" count="0"/>\n`;
  const message = {
    messageId: randomUUID(), caseReference: 'BATCH-1', partner: 'narsa', operation: 'licence.bulk-verify',
    payload: { fileName: 'VERIF_CG-PARIS_20261127_001.xml', content },
  };
  const answer = await c.send(message);
  const digest = createHash('sha256').update(content).digest('hex');
  expect(answer.body).toMatchObject({ sha256: digest, alreadyThere: false });
  expect(await readFile(join(sshd.dir, 'depot', 'VERIF_CG-PARIS_20261127_001.xml'), 'utf8')).toBe(content);
  expect(await readFile(join(sshd.dir, 'depot', 'VERIF_CG-PARIS_20261127_001.xml.sha256'), 'utf8')).toBe(`${digest}\n`);
  expect((await readdir(join(sshd.dir, 'depot'))).sort()).toEqual(['VERIF_CG-PARIS_20261127_001.xml', 'VERIF_CG-PARIS_20261127_001.xml.sha256']);
  expect((await c.send(message)).body).toMatchObject({ alreadyThere: true });
});

it('downloads a results file record by record, once, and leaves an incomplete one', async () => {
  const retour = join(sshd.dir, 'retour');
  await mkdir(retour, { recursive: true });
  const results = Array.from({ length: 300 }, (_, i) => `<Result><RequestId>req-${i}</RequestId><Outcome>${i % 2 ? 'NOT_FOUND' : 'MISMATCH'}</Outcome></Result>`);
  results.splice(150, 0, '<Result><Outcome>FOUND</Outcome></Result>');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<LicenceVerificationResults xmlns="urn:ma:narsa:licence:1">${results.join('\n')}</LicenceVerificationResults>\n`;
  const complete = join(retour, 'RESULT_VERIF_CG-PARIS_20261127_001.xml');
  await writeFile(complete, xml);
  await writeFile(`${complete}.sha256`, `${createHash('sha256').update(xml).digest('hex')}\n`);
  await writeFile(join(retour, 'RESULT_VERIF_CG-PARIS_20261127_002.xml'), xml);

  const c = connector();
  await c.connect();
  const registry = new InMemoryProcessedFileRegistry();
  const records: NarsaResult[] = [];
  const quarantined: number[] = [];
  const options = {
    source: 'results', registry, ...NARSA_RESULTS, read: readNarsaResult,
    onRecord: async (record: NarsaResult) => { records.push(record); },
    onQuarantine: async (entry: { index: number }) => { quarantined.push(entry.index); },
  };
  const reports = await c.consumeXmlRecords(options);
  expect(reports).toEqual([expect.objectContaining({ file: 'RESULT_VERIF_CG-PARIS_20261127_001.xml', outcome: 'processed', records: 300, quarantined: 1 })]);
  expect(records).toHaveLength(300);
  expect(quarantined).toEqual([151]);

  const later = new Date(Date.now() + 60_000);
  await utimes(complete, later, later);
  expect(await c.consumeXmlRecords(options)).toEqual([expect.objectContaining({ outcome: 'already-processed' })]);
  expect(records).toHaveLength(300);
});

it('lists a Justice lot once its marker is there, and reads its files', async () => {
  const sortant = join(sshd.dir, 'sortant');
  await mkdir(join(sortant, 'LOT_2026-0001'), { recursive: true });
  await mkdir(join(sortant, 'LOT_2026-0002'), { recursive: true });
  await writeFile(join(sortant, 'LOT_2026-0001', 'manifest.xml'), '<Lot xmlns="urn:ma:justice:plis:v1" id="2026-0001"/>');
  await writeFile(join(sortant, 'LOT_2026-0001.pret'), '');
  const c = connector();
  await c.connect();
  const lots = await c.listComplete('lots');
  expect(lots.map((l) => [l.name, l.isDirectory])).toEqual([['LOT_2026-0001', true]]);
  expect((await c.listFolder(lots[0].path)).map((f) => f.name)).toEqual(['manifest.xml']);
  const chunks: Buffer[] = [];
  for await (const chunk of c.readChunks(join(lots[0].path, 'manifest.xml'))) chunks.push(chunk);
  expect(Buffer.concat(chunks).toString()).toContain('id="2026-0001"');
});
