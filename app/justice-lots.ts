/**
 * The Ministry of Justice's lots (justice.md, "Documents in"), taken in on a schedule: complete lots only (the
 * `.pret` marker), each once (the manifest's SHA-256 in the processed-file registry: a lot delivered again does
 * nothing). A lot whose `/sortant` listing is what it was when it was processed is not even read
 * (app/justice-lot-listing.ts): the Ministry may never clear `/sortant`. Each Pli is mapped (justice/manifest.in), its pieces checked against their Empreinte, and its address
 * matched to a post's district; accepted plis go to the inbox (one per IdPli: a pli delivered twice is one request)
 * for judicial-documents.receivePli, refused ones are answered with their Motif (a pli that does not map is also
 * kept in the inbox as quarantined, with the reason). Then the AccuseLot is uploaded, and only then is the lot
 * recorded as processed: a crash before that takes the lot in again, and the inbox absorbs the repeats.
 */
import { createHash, randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { Knex } from 'knex';
import { recordInbound } from '../broker/inbox/inbox-store';
import { appendToLedger } from '../broker/ledger/ledger';
import type { Scheduler } from '../broker/scheduler';
import type { ConsularPost } from '../config/catalogue-types';
import { createXmlBinding, UnsafeXmlError } from '../connectors/_kit/xml-binding';
import type { ProcessedFileRegistry, SftpConnector } from '../connectors/sftp';
import type { MappingSet } from '../mappings';
import type { JudicialDocument } from '../mappings/canonical/types';
import { postForCountry } from '../services/judicial-documents/district';
import { hasTimes, lotListingDecision, lotListingFacts, type LotListingFacts } from './justice-lot-listing';
import { KnexLotListingStore, type LotListingStore } from './justice-lot-listing-store';

export const JUSTICE_BATCH = 'justice-batch';
export const JUSTICE_NS = 'urn:ma:justice:plis:v1';
export const JUSTICE_LOTS_JOB = 'justice.lots';
export const MANIFEST_MAPPING = 'justice/manifest.in';
export const ACK_MAPPING = 'justice/lot-acknowledgement.out';
export const PLI_OPERATION = 'lot.pli';
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

type RejectionReason = 'outside-district' | 'missing-document' | 'invalid-digest' | 'invalid-data';
export interface PliDecision { pliId: string; intake: { outcome: 'accepted' } | { outcome: 'rejected'; rejectionReason: RejectionReason } }
export interface LotReport {
  lot: string;
  outcome: 'taken-in' | 'already-processed' | 'unreadable';
  plis: PliDecision[];
  reason?: string;
  /** For `already-processed`: told by the unchanged listing (manifest not read) or by the manifest's digest. */
  knownBy?: 'listing' | 'digest';
}

export interface JusticeLotDeps {
  db: Knex;
  sftp: SftpConnector;
  registry: ProcessedFileRegistry;
  posts: readonly ConsularPost[];
  mappings(): Promise<MappingSet>;
  /** The listing facts of the lots processed; by default on `db` (table justice_lot_listings). */
  listings?: LotListingStore;
  log?: { warn(msg: string, meta?: Record<string, unknown>): void };
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
/** The shared binding (no DTD, references decoded, root namespace checked), spelt `@_name` as the Justice mappings read it. */
const lotXml = createXmlBinding({ attributePrefix: '@_', arrays: ['Pli', 'Piece'], namespace: JUSTICE_NS, maxBytes: MAX_MANIFEST_BYTES });

async function readAll(sftp: SftpConnector, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of sftp.readChunks(path)) {
    size += chunk.length;
    if (size > MAX_MANIFEST_BYTES) throw new Error(`${path}: larger than ${MAX_MANIFEST_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The manifest's Pli elements, or why it cannot be read (never a value from it). */
function readManifest(xml: string, lotId: string): { ok: true; plis: Array<Record<string, unknown>> } | { ok: false; reason: string } {
  let doc;
  try {
    doc = lotXml.parse(xml);
  } catch (error) {
    if (!(error instanceof UnsafeXmlError)) throw error;
    if (/^a DTD/.test(error.message)) return { ok: false, reason: 'the manifest declares a DOCTYPE or an ENTITY' };
    if (/^the root element is in/.test(error.message)) return { ok: false, reason: `Lot is not in the namespace ${JUSTICE_NS}` };
    // The binding's reasons name the rule broken and a line, never the manifest's content.
    return { ok: false, reason: /^not well-formed XML/.test(error.message) ? 'the manifest is not well-formed XML' : `the manifest is refused: ${error.message}` };
  }
  if (doc.root !== 'Lot') return { ok: false, reason: 'the root element is not Lot' };
  if (doc.content['@_id'] !== lotId) return { ok: false, reason: 'Lot/@id differs from the folder name' };
  return { ok: true, plis: (doc.content.Pli as Array<Record<string, unknown>> | undefined) ?? [] };
}

/** The AccuseLot as the Ministry reads it: mapped (closed schema), then written by the XML library. */
export function acknowledgementXml(mappings: MappingSet, lotId: string, plis: PliDecision[]): string {
  const mapped = mappings.find(ACK_MAPPING);
  if (!mapped) throw new Error(`no mapping ${ACK_MAPPING}`);
  const result = mapped.map({ lotId, plis });
  if (!result.ok) throw new Error(`${ACK_MAPPING}: ${result.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  const body = result.value as { Pli: unknown[] };
  return lotXml.build('AccuseLot', { '@_id': lotId, Pli: body.Pli }, { namespace: JUSTICE_NS });
}

export async function takeInJusticeLots(deps: JusticeLotDeps): Promise<LotReport[]> {
  const mappings = await deps.mappings();
  const manifestMapping = mappings.find(MANIFEST_MAPPING);
  if (!manifestMapping) throw new Error(`no mapping ${MANIFEST_MAPPING}`);
  const reports: LotReport[] = [];
  const listings = deps.listings ?? new KnexLotListingStore(deps.db);
  const lots = (await deps.sftp.listComplete('lots')).filter((entry) => entry.isDirectory);
  // The markers' size and time are in the directory's own listing: one more request per poll, whatever the lot count.
  const directory = lots.length > 0 ? await deps.sftp.listFolder(posix.dirname(lots[0].completionPath)) : [];
  const recorded = await listings.recorded(JUSTICE_BATCH, lots.map((lot) => lot.name));
  /** Called once the digest is in the registry: the next polls skip this lot while its listing stays the same. */
  const remember = async (name: string, facts: LotListingFacts | undefined, digest: string): Promise<void> => {
    if (facts && hasTimes(facts)) await listings.remember(JUSTICE_BATCH, name, facts, digest);
  };
  for (const entry of lots) {
    const lotId = entry.name.replace(/^LOT_/, '');
    const facts = lotListingFacts(entry, directory);
    if (!lotListingDecision(recorded.get(entry.name), facts).read) { reports.push({ lot: lotId, outcome: 'already-processed', plis: [], knownBy: 'listing' }); continue; }
    const manifest = await readAll(deps.sftp, posix.join(entry.path, 'manifest.xml'));
    const digest = sha256(manifest);
    if (await deps.registry.isProcessed(JUSTICE_BATCH, digest)) {
      await remember(entry.name, facts, digest);
      reports.push({ lot: lotId, outcome: 'already-processed', plis: [], knownBy: 'digest' });
      continue;
    }
    const receivedAt = new Date().toISOString();
    const read = readManifest(manifest.toString('utf8'), lotId);
    if (!read.ok) {
      // Kept for the engineer (the raw manifest in the inbox, quarantined with the reason), recorded: the Ministry sends a corrected lot.
      await deps.db.transaction(async (trx) => {
        const messageId = `lot:${lotId}:${digest}`;
        const { inserted } = await recordInbound(trx, { partner: JUSTICE_BATCH, messageId, operation: 'lot.quarantined', caseReference: `LOT-${lotId}`,
          payload: { kind: 'event', status: 200, body: { manifest: manifest.toString('utf8') }, request: { lotId }, receivedAt } });
        if (inserted) await trx('inbox').where({ partner: JUSTICE_BATCH, message_id: messageId }).update({ status: 'quarantined', error: read.reason });
      });
      await deps.registry.markProcessed({ partner: JUSTICE_BATCH, digest, fileName: entry.name });
      await remember(entry.name, facts, digest);
      deps.log?.warn('justice lot quarantined', { lot: lotId, reason: read.reason });
      reports.push({ lot: lotId, outcome: 'unreadable', plis: [], reason: read.reason });
      continue;
    }
    const files = new Set((await deps.sftp.listFolder(entry.path)).map((f) => f.name));
    const decisions: PliDecision[] = [];
    const inbox: Array<Parameters<typeof recordInbound>[1] & { quarantine?: string }> = [];
    for (const [index, pli] of read.plis.entries()) {
      const pliId = typeof pli.IdPli === 'string' && pli.IdPli ? pli.IdPli : `${lotId}#${index + 1}`;
      const reject = (rejectionReason: RejectionReason): void => { decisions.push({ pliId, intake: { outcome: 'rejected', rejectionReason } }); };
      const mapped = manifestMapping.map({ status: 200, body: pli, request: { lotId }, receivedAt });
      if (!mapped.ok) {
        inbox.push({ partner: JUSTICE_BATCH, messageId: `pli-invalid:${pliId}:${digest.slice(0, 16)}`, operation: `${PLI_OPERATION}.quarantined`, caseReference: `LOT-${lotId}`,
          payload: { kind: 'event', status: 200, body: pli, request: { lotId }, receivedAt }, quarantine: `DONNEES_INVALIDES: ${mapped.errors.map((e) => `${e.path} ${e.message}`).join('; ')}` });
        reject('invalid-data');
        continue;
      }
      const document = mapped.value as JudicialDocument;
      const pieces: Array<{ fileName: string; contentBase64: string }> = [];
      let problem: RejectionReason | undefined;
      for (const doc of document.documents) {
        if (!doc.fileName || !files.has(doc.fileName)) { problem = 'missing-document'; break; }
        const content = await readAll(deps.sftp, posix.join(entry.path, doc.fileName));
        if (sha256(content) !== doc.sha256) { problem = problem ?? 'invalid-digest'; continue; }
        pieces.push({ fileName: doc.fileName, contentBase64: content.toString('base64') });
      }
      if (problem) { reject(problem); continue; }
      const post = postForCountry(deps.posts, document.addressee.address.country);
      if (!post) { reject('outside-district'); continue; }
      inbox.push({ partner: JUSTICE_BATCH, messageId: `pli:${pliId}`, operation: PLI_OPERATION, caseReference: pliId, replyAction: 'judicial-documents.receivePli',
        payload: { kind: 'event', status: 200, body: { document, post, pieces }, request: { lotId }, receivedAt } });
      decisions.push({ pliId, intake: { outcome: 'accepted' } });
    }
    await deps.db.transaction(async (trx) => {
      await appendToLedger(trx, { partner: JUSTICE_BATCH, operation: 'lot.receive', direction: 'in', messageId: `LOT_${lotId}:${digest}`, caseReference: `LOT-${lotId}`,
        payloadSha256: digest, outcome: `received ${decisions.length} plis` });
      for (const { quarantine, ...record } of inbox) {
        const { inserted } = await recordInbound(trx, record);
        if (inserted && quarantine) await trx('inbox').where({ partner: JUSTICE_BATCH, message_id: record.messageId }).update({ status: 'quarantined', error: quarantine });
      }
    });
    const content = acknowledgementXml(mappings, lotId, decisions);
    const messageId = randomUUID();
    const startedAt = Date.now();
    await deps.sftp.send({ messageId, caseReference: `LOT-${lotId}`, partner: JUSTICE_BATCH, operation: 'lot.acknowledge', payload: { fileName: `ACK_LOT_${lotId}.xml`, content } });
    await appendToLedger(deps.db, { partner: JUSTICE_BATCH, operation: 'lot.acknowledge', direction: 'out', messageId, caseReference: `LOT-${lotId}`,
      payloadSha256: sha256(content), outcome: 'delivered', durationMs: Date.now() - startedAt, attempt: 1 });
    await deps.registry.markProcessed({ partner: JUSTICE_BATCH, digest, fileName: entry.name });
    await remember(entry.name, facts, digest);
    reports.push({ lot: lotId, outcome: 'taken-in', plis: decisions });
  }
  return reports;
}

/** The job: once per window across the cluster (the scheduler's lease); a failed run is retried at the next window. */
export function scheduleJusticeLots(scheduler: Scheduler, deps: JusticeLotDeps, options: { cron: string; onReport?(reports: LotReport[]): void }): void {
  scheduler.schedule({ name: JUSTICE_LOTS_JOB, cron: options.cron, leaseMs: 10 * 60 * 1000,
    run: async () => { options.onReport?.(await takeInJusticeLots(deps)); } });
}
