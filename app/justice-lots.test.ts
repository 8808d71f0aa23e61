import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { loadPosts } from '../config/catalogue';
import { validateConnectorConfig } from '../connectors/_kit/config-validation';
import { loadPartnerBindings, resolvePartnerConfig } from '../connectors/partners/bindings';
import { KnexProcessedFileRegistry, sftpConnectorFactory, type SftpConnector, type SftpConnectorConfig } from '../connectors/sftp';
import { generateSshKeyPair } from '../connectors/sftp/key-pair';
import { startJusticeSandbox, type JusticeSandbox } from '../sandbox/justice';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { loadMappingSet } from './mapping-files';
import { JUSTICE_LOT_LISTINGS_TABLE, KnexLotListingStore } from './justice-lot-listing-store';
import { acknowledgementXml, JUSTICE_BATCH, JUSTICE_NS, takeInJusticeLots, type JusticeLotDeps, type LotReport } from './justice-lots';

describe('the AccuseLot the hub uploads', () => {
  it('is the mapped acknowledgement written by the XML library: namespace, lot id, one Pli each with Accepte or Rejete/Motif', async () => {
    const mappings = await loadMappingSet();
    const xml = acknowledgementXml(mappings, '2026-0007', [
      { pliId: 'PLI-2026-0007-001', intake: { outcome: 'accepted' } },
      { pliId: 'PLI-2026-0007-002', intake: { outcome: 'rejected', rejectionReason: 'outside-district' } },
      { pliId: 'PLI-<&>', intake: { outcome: 'rejected', rejectionReason: 'invalid-data' } },
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => n === 'Pli' }).parse(xml) as
      { AccuseLot: { '@_xmlns': string; '@_id': string; Pli: Array<Record<string, unknown>> } };
    expect(doc.AccuseLot['@_xmlns']).toBe(JUSTICE_NS);
    expect(doc.AccuseLot['@_id']).toBe('2026-0007');
    expect(doc.AccuseLot.Pli).toEqual([
      { IdPli: 'PLI-2026-0007-001', Accepte: '' },
      { IdPli: 'PLI-2026-0007-002', Rejete: { Motif: 'HORS_CIRCONSCRIPTION' } },
      { IdPli: 'PLI-<&>', Rejete: { Motif: 'DONNEES_INVALIDES' } },
    ]);
    expect(xml).toContain('PLI-&lt;&amp;&gt;');
  });
});

describe('polling /sortant when the Ministry never clears it', () => {
  let dataDir: string;
  let sandbox: JusticeSandbox;
  let database: TestDatabase;
  let sftp: SftpConnector;
  let deps: JusticeLotDeps;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'justice-lots-'));
    const pair = generateSshKeyPair();
    const keyPath = join(dataDir, 'hub_ed25519');
    await writeFile(keyPath, pair.private, { mode: 0o600 });
    sandbox = await startJusticeSandbox({ dataDir, hubPublicKey: pair.public });
    database = await createTestDatabase();
    const binding = (await loadPartnerBindings()).get(JUSTICE_BATCH);
    if (!binding) throw new Error('no justice-batch binding');
    const { protocol: _sftp, ...settings } = resolvePartnerConfig(binding, { host: sandbox.host, port: sandbox.sftpPort, username: sandbox.sftpUsername,
      privateKeyPath: keyPath, hostKey: { sha256: sandbox.hostKeyFingerprint }, timeoutMs: 10_000 });
    sftp = sftpConnectorFactory.create(validateConnectorConfig<SftpConnectorConfig>(sftpConnectorFactory.configSchema, settings, 'partners.justice-batch.sftp'),
      { partner: JUSTICE_BATCH }) as SftpConnector;
    await sftp.connect();
    const mappings = await loadMappingSet();
    deps = { db: database.knex, sftp, registry: new KnexProcessedFileRegistry(database.knex), posts: loadPosts(), mappings: async () => mappings };
  }, 120_000);
  afterAll(async () => {
    await sftp?.close();
    await sandbox?.close();
    await database?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The manifests the hub opened on the Ministry's server, as the server saw them. */
  const manifestReads = (since: number): string[] => sandbox.sftpEvents.slice(since).filter((e) => e.op === 'read' && e.path.endsWith('/manifest.xml')).map((e) => e.path);
  const poll = async (): Promise<{ reports: LotReport[]; manifests: string[] }> => {
    const since = sandbox.sftpEvents.length;
    const reports = await takeInJusticeLots(deps);
    return { reports, manifests: manifestReads(since) };
  };
  const outcomes = (reports: LotReport[]): Record<string, string> =>
    Object.fromEntries(reports.map((r) => [r.lot, r.outcome === 'already-processed' ? `already-processed by ${r.knownBy}` : r.outcome]));
  /** The marker's time set explicitly: SFTP times are whole seconds, and a test must not wait for the clock. */
  const markerTime = async (lotId: string, secondsLater: number): Promise<void> => {
    const marker = join(sandbox.root, 'sortant', `LOT_${lotId}.pret`);
    const { mtimeMs } = await stat(marker);
    const later = new Date(mtimeMs + secondsLater * 1000);
    await utimes(marker, later, later);
  };

  it('reads no manifest again for lots processed; a lot delivered again is known by its digest, a new or changed one is taken in', async () => {
    const a = await sandbox.publishLot(2);
    const b = await sandbox.publishLot(1);
    const first = await poll();
    expect(outcomes(first.reports)).toEqual({ [a.lotId]: 'taken-in', [b.lotId]: 'taken-in' });
    expect(first.manifests.sort()).toEqual([`${a.path}/manifest.xml`, `${b.path}/manifest.xml`]);

    // Nothing new: the listing is what it was, no manifest is opened.
    const second = await poll();
    expect(outcomes(second.reports)).toEqual({ [a.lotId]: 'already-processed by listing', [b.lotId]: 'already-processed by listing' });
    expect(second.manifests).toEqual([]);

    // B delivered again (same bytes, marker written again, a new time stamp), and a new lot C.
    sandbox.faults.set({ redeliverLot: 1 });
    expect(await sandbox.publishLot(1)).toMatchObject({ lotId: b.lotId, redelivered: true });
    await markerTime(b.lotId, 120);
    const c = await sandbox.publishLot(1);
    const acksBefore = (await sandbox.readAcknowledgements()).length;
    expect(acksBefore).toBe(2);
    const third = await poll();
    expect(outcomes(third.reports)).toEqual({ [a.lotId]: 'already-processed by listing', [b.lotId]: 'already-processed by digest', [c.lotId]: 'taken-in' });
    expect(third.manifests.sort()).toEqual([`${b.path}/manifest.xml`, `${c.path}/manifest.xml`]);
    // B was not answered twice; C was.
    expect((await sandbox.readAcknowledgements()).map((ack) => ack.lotId)).toEqual([c.lotId]);

    // B's new listing is remembered from its digest check: the next poll opens nothing.
    const fourth = await poll();
    expect(new Set(Object.values(outcomes(fourth.reports)))).toEqual(new Set(['already-processed by listing']));
    expect(fourth.manifests).toEqual([]);

    // A's content changed (the Ministry corrects its manifest) and its marker written again: not mistaken for the processed A.
    const manifestPath = join(sandbox.root, 'sortant', `LOT_${a.lotId}`, 'manifest.xml');
    await writeFile(manifestPath, (await readFile(manifestPath, 'utf8')).replace('</Lot>', '<!-- corrigé -->\n</Lot>'));
    await markerTime(a.lotId, 240);
    const fifth = await poll();
    expect(outcomes(fifth.reports)[a.lotId]).toBe('taken-in');
    expect(fifth.manifests).toEqual([`${a.path}/manifest.xml`]);
    const received = await database.knex('exchange_ledger').where({ case_reference: `LOT-${a.lotId}`, operation: 'lot.receive' }).orderBy('seq').select('payload_sha256');
    expect(received.map((r: { payload_sha256: string }) => r.payload_sha256)).toEqual([a.manifestSha256, expect.not.stringMatching(a.manifestSha256)]);
    // Its plis were already in the inbox: one row each, whatever the number of deliveries.
    const rows = await database.knex('inbox').where({ partner: JUSTICE_BATCH }).whereIn('message_id', a.plis.map((p) => `pli:${p.idPli}`)).count<Array<{ count: string | number }>>('* as count');
    expect(Number(rows[0].count)).toBe(a.plis.filter((p) => p.expected === 'Accepte').length);
  });

  it('finds the recorded facts of many lots at once (more names than one query holds)', async () => {
    const store = new KnexLotListingStore(database.knex);
    const names = Array.from({ length: 2500 }, (_, i) => `LOT_BULK-${String(i).padStart(4, '0')}`);
    await database.knex.batchInsert(JUSTICE_LOT_LISTINGS_TABLE, names.filter((_, i) => i % 2 === 0).map((lot_name, i) =>
      ({ partner: 'justice-bulk', lot_name, folder_mtime: 1_790_000_000 + i, marker_size: 0, marker_mtime: 1_790_000_100 + i, digest: 'a'.repeat(64) })), 500);
    const found = await store.recorded('justice-bulk', names);
    expect(found.size).toBe(1250);
    expect(found.get('LOT_BULK-2498')).toEqual({ folderMtime: 1_790_000_000 + 1249, markerSize: 0, markerMtime: 1_790_000_100 + 1249 });
    expect(found.has('LOT_BULK-2499')).toBe(false);
    await store.remember('justice-bulk', 'LOT_BULK-2498', { folderMtime: 1, markerSize: 2, markerMtime: 3 }, 'b'.repeat(64));
    expect((await store.recorded('justice-bulk', ['LOT_BULK-2498'])).get('LOT_BULK-2498')).toEqual({ folderMtime: 1, markerSize: 2, markerMtime: 3 });
  });
});
