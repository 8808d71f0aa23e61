/**
 * NARSA's nightly processing run (narsa.md: 02:00 Africa/Casablanca; here on demand): for every
 * complete `/depot/VERIF_*.xml` (its `.sha256` present and matching), write
 * `/retour/RESULT_<same name>.xml` and its `.sha256`, one `Result` per request, not in request order.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { findPermis, type Permis } from '../data';
import type { NarsaSftpFaults } from './faults';

export const NARSA_NS = 'urn:ma:narsa:licence:1';
const VERIF_NAME = /^VERIF_[A-Za-z0-9-]+_\d{8}_\d{3}\.xml$/;
const RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface NightReport {
  /** Request files answered this run. */
  answered: string[];
  /** Result files written again (the `redeliverResults` switch). */
  redelivered: string[];
  /** Request files left: their digest does not match their `.sha256`, or they are not a batch. */
  refused: Array<{ file: string; reason: string }>;
  /** Result files removed after 7 days. */
  expired: string[];
  /** Attestation notice files read this run (`/depot/ATTEST_<yyyyMMdd>.csv`), with what is wrong in them. */
  attestations: Array<{ file: string; rows: number; problems: string[] }>;
}

interface VerifRequest { seq: string; requestId: string; licenceNumber: string; cnie: string; birthDate: string }

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, value: string | undefined): string => (value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`);

function parseBatch(xml: string): { batchId: string; requests: VerifRequest[] } {
  if (/<!DOCTYPE/i.test(xml)) throw new Error('a DOCTYPE is not accepted');
  const parser = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, processEntities: false, parseTagValue: false,
    isArray: (name) => name === 'Request',
  });
  const doc = parser.parse(xml) as { LicenceVerificationBatch?: { '@batchId'?: string; Request?: Array<Record<string, unknown>> } };
  const batch = doc.LicenceVerificationBatch;
  if (!batch) throw new Error('root is not LicenceVerificationBatch');
  const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '');
  const requests = (batch.Request ?? []).map((r) => {
    const holder = (r.Holder ?? {}) as Record<string, unknown>;
    return { seq: text(r['@seq']), requestId: text(r.RequestId), licenceNumber: text(r.LicenceNumber), cnie: text(holder.Cnie), birthDate: text(holder.BirthDate) };
  });
  return { batchId: text(batch['@batchId']), requests };
}

function licenceXml(permis: Permis): string {
  const t = permis.titulaire;
  const categories = permis.categories.map((c) => `<categorie>${el('code', c.code)}${el('dateObtention', c.dateObtention)}${el('dateExpiration', c.dateExpiration)}<restrictions>${c.restrictions.map((r) => el('restriction', r)).join('')}</restrictions></categorie>`).join('');
  return `<Licence>${el('numero', permis.numero)}<titulaire>${el('cnie', t.cnie)}${el('nom', t.nom)}${el('prenom', t.prenom)}${el('nomArabe', t.nomArabe)}${el('prenomArabe', t.prenomArabe)}${el('dateNaissance', t.dateNaissance)}</titulaire>`
    + `${el('dateDelivrance', permis.dateDelivrance)}${el('dateExpiration', permis.dateExpiration)}${el('statut', permis.statut)}<categories>${categories}</categories>${el('centreEmetteur', permis.centreEmetteur)}</Licence>`;
}

/** FOUND when the licence exists and CNIE (any case) and birth date match its holder; MISMATCH when they do not. */
export function resultFor(request: VerifRequest): string {
  const permis = findPermis(request.licenceNumber);
  const head = el('RequestId', request.requestId);
  if (!permis) return `<Result>${head}<Outcome>NOT_FOUND</Outcome></Result>`;
  const matches = permis.titulaire.cnie.toUpperCase() === request.cnie.toUpperCase() && permis.titulaire.dateNaissance === request.birthDate;
  return matches ? `<Result>${head}<Outcome>FOUND</Outcome>${licenceXml(permis)}</Result>` : `<Result>${head}<Outcome>MISMATCH</Outcome></Result>`;
}

/** A stable order that is not the request order: by a hash of the request id. */
function shuffled(requests: VerifRequest[]): VerifRequest[] {
  return [...requests].sort((a, b) => (sha256(`${a.requestId}${a.seq}`) < sha256(`${b.requestId}${b.seq}`) ? -1 : 1));
}

async function writeInPlace(path: string, data: string): Promise<void> {
  const tmp = join(path, '..', `.${randomUUID()}.part`);
  await writeFile(tmp, data, { mode: 0o640 });
  await rename(tmp, path);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

const ATTEST_NAME = /^ATTEST_\d{8}\.csv$/;
export const ATTEST_HEADER = 'numero_attestation;numero_permis;cnie;pays_destination;date_emission';

/** narsa.md: UTF-8 with BOM, `;` separated, CRLF line ends, the given header, five fields a row. */
export function checkAttestations(content: Buffer): { rows: number; problems: string[] } {
  const problems: string[] = [];
  if (!(content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf)) problems.push('no UTF-8 BOM');
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  if (/(^|[^\r])\n/.test(text)) problems.push('line ends are not CRLF');
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== ATTEST_HEADER) problems.push('header is not the contract\'s');
  const rows = lines.slice(1);
  const bad = rows.filter((row) => row.split(';').length !== 5).length;
  if (bad > 0) problems.push(`${bad} row(s) without five fields`);
  return { rows: rows.length, problems };
}

/** What the agency remembers between nights: the attestation files it has read (each is read once). */
export interface NightMemory {
  attestationsRead: Set<string>;
}

export async function runNight(root: string, faults: NarsaSftpFaults, memory: NightMemory, now: () => number = Date.now): Promise<NightReport> {
  const depot = join(root, 'depot');
  const retour = join(root, 'retour');
  const report: NightReport = { answered: [], redelivered: [], refused: [], expired: [], attestations: [] };
  const redeliver = faults.redeliverResults;
  faults.redeliverResults = false;

  for (const name of (await readdir(retour)).sort()) {
    if (!name.startsWith('RESULT_')) continue;
    const path = join(retour, name);
    const info = await stat(path);
    if (now() - info.mtimeMs > RETENTION_MS) {
      await rm(path, { force: true });
      report.expired.push(name);
    } else if (redeliver && name.endsWith('.xml')) {
      // The same bytes written again: only the modification time changes.
      await writeInPlace(path, await readFile(path, 'utf8'));
      const later = new Date(Math.max(now(), info.mtimeMs + 1000));
      await utimes(path, later, later);
      report.redelivered.push(name);
    }
  }

  const names = new Set(await readdir(depot));
  for (const name of [...names].sort()) {
    if (!ATTEST_NAME.test(name) || memory.attestationsRead.has(name)) continue;
    memory.attestationsRead.add(name);
    report.attestations.push({ file: name, ...checkAttestations(await readFile(join(depot, name))) });
  }
  for (const name of [...names].sort()) {
    if (!VERIF_NAME.test(name) || !names.has(`${name}.sha256`)) continue;
    const resultName = `RESULT_${name}`;
    if (await exists(join(retour, resultName))) continue;
    const content = await readFile(join(depot, name));
    const announced = (await readFile(join(depot, `${name}.sha256`), 'utf8')).trim().split(/\s+/)[0]?.toLowerCase();
    if (announced !== sha256(content)) { report.refused.push({ file: name, reason: 'digest does not match .sha256' }); continue; }
    let batch: ReturnType<typeof parseBatch>;
    try {
      batch = parseBatch(content.toString('utf8'));
    } catch (error) {
      report.refused.push({ file: name, reason: error instanceof Error ? error.message : 'unreadable' });
      continue;
    }
    const results = shuffled(batch.requests).map(resultFor);
    if (faults.take('unknownRequestId')) results.splice(Math.floor(results.length / 2), 0, `<Result>${el('RequestId', randomUUID())}<Outcome>NOT_FOUND</Outcome></Result>`);
    if (faults.take('malformedResult')) results.splice(Math.floor(results.length / 3), 0, '<Result><Outcome>PEUT-ETRE</Outcome></Result>');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<LicenceVerificationResults xmlns="${NARSA_NS}" batchId="${escapeXml(batch.batchId)}" count="${results.length}">\n${results.join('\n')}\n</LicenceVerificationResults>\n`;
    await writeInPlace(join(retour, resultName), xml);
    if (!faults.take('incompleteLot')) await writeInPlace(join(retour, `${resultName}.sha256`), `${sha256(xml)}\n`);
    report.answered.push(name);
  }
  return report;
}
