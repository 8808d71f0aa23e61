/**
 * The Ministry's side of the lots (justice.md, "Documents in"): it writes `/sortant/LOT_<id>/` with the
 * documents (PDF) and `manifest.xml`, then the empty marker `/sortant/LOT_<id>.pret`; it reads the hub's
 * answers `/entrant/ACK_LOT_<id>.xml`. The fault switches break lots the ways the contract foresees.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadXml, esc, get, getAll, parseDocument, str } from '../_kit/soap';
import type { JusticeFaults } from './faults';
import { addressee, postOf, type Addressee } from './people';
import type { Expected, Register } from './register';

export const JUSTICE_NS = 'urn:ma:justice:plis:v1';
export const MOTIFS = ['HORS_CIRCONSCRIPTION', 'PIECE_MANQUANTE', 'EMPREINTE_INVALIDE', 'DONNEES_INVALIDES'] as const;

export interface PublishedPli {
  idPli: string;
  /** Country of the address (ISO alpha-3), and the post whose district holds it (null: outside every district). */
  pays: string;
  post: string | null;
  expected: Expected;
}

export interface PublishReport {
  lotId: string;
  /** `/sortant/LOT_<id>` as the hub sees it. */
  path: string;
  redelivered: boolean;
  /** False when the marker was held back (`incompleteLot`). */
  complete: boolean;
  manifestSha256: string;
  plis: PublishedPli[];
}

export interface AckReport {
  file: string;
  lotId: string | null;
  readAt: string;
  plis: Array<{ idPli: string; outcome: 'Accepte' | 'Rejete'; motif?: string; expected?: Expected }>;
  /** What is wrong with the acknowledgement (names the rule and pli ids, never personal data). */
  problems: string[];
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

const COURTS = [
  { nom: 'Tribunal de première instance de Rabat', adresse: 'Avenue Annakhil, Hay Riad, Rabat' },
  { nom: 'Tribunal de commerce de Casablanca', adresse: 'Boulevard Rachidi, Casablanca' },
  { nom: 'Cour d\'appel de Fès', adresse: 'Avenue Hassan II, Fès' },
  { nom: 'Tribunal de la famille de Tanger', adresse: 'Rue de Belgique, Tanger' },
];
const SUBJECTS = [
  { nature: 'JUDICIAIRE', objet: 'Assignation à comparaître dans une instance en paiement de pension alimentaire.' },
  { nature: 'JUDICIAIRE', objet: 'Signification d\'un jugement de divorce rendu par défaut.' },
  { nature: 'EXTRAJUDICIAIRE', objet: 'Sommation de payer des loyers échus.' },
  { nature: 'JUDICIAIRE', objet: 'Convocation à une audience d\'injonction de payer.' },
  { nature: 'EXTRAJUDICIAIRE', objet: 'Notification d\'un acte de cession de parts successorales.' },
];
const MODES = ['REMISE_SIMPLE', 'FORMES_LEGALES', 'MODE_PARTICULIER'] as const;

/** A small valid one-page PDF (Helvetica, ASCII text): enough to stand for a judicial document. */
export function minimalPdf(lines: string[]): Buffer {
  const ascii = (s: string): string => s.normalize('NFD').replace(/[^\x20-\x7e]/g, '').replace(/([\\()])/g, '\\$1');
  const text = lines.map((l, i) => `BT /F1 11 Tf 50 ${780 - i * 18} Td (${ascii(l)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => { offsets.push(Buffer.byteLength(out, 'latin1')); out += `${i + 1} 0 obj\n${body}\nendobj\n`; });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const opt = (name: string, value: string | undefined): string => (value === undefined ? '' : `<${name}>${esc(value)}</${name}>`);

function destinataireXml(a: Addressee, pays: string): string {
  return '<Destinataire>'
    + `<Nom>${esc(a.nom)}</Nom><Prenom>${esc(a.prenom)}</Prenom>${opt('NomArabe', a.nomArabe)}${opt('PrenomArabe', a.prenomArabe)}`
    + `${opt('DateNaissance', a.dateNaissance)}${opt('Cnie', a.cnie)}`
    + `<Adresse><Ligne1>${esc(a.adresse.ligne1)}</Ligne1>${opt('Ligne2', a.adresse.ligne2)}<CodePostal>${esc(a.adresse.codePostal)}</CodePostal>`
    + `<Ville>${esc(a.adresse.ville)}</Ville><Pays>${esc(pays)}</Pays></Adresse></Destinataire>`;
}

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

interface LotFiles { lotId: string; files: Map<string, Buffer>; report: PublishReport }

export class LotPublisher {
  private last: LotFiles | undefined;
  private readonly acksRead = new Map<string, string>();
  readonly acknowledgements: AckReport[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly root: string, private readonly register: Register, private readonly faults: JusticeFaults) {}

  /** One publication at a time, whether it comes from code or from the control endpoint. */
  publishLot(count: number): Promise<PublishReport> {
    const run = this.queue.then(() => this.publish(count));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes the marker of a lot published without it (`incompleteLot`). */
  completeLot(lotId: string): Promise<boolean> {
    const run = this.queue.then(async () => {
      const lot = this.register.state.lots[lotId];
      if (!lot) return false;
      await writeFile(join(this.root, 'sortant', `LOT_${lotId}.pret`), '');
      lot.complete = true;
      await this.register.persist();
      return true;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async publish(count: number): Promise<PublishReport> {
    const last = this.last ?? await this.lastFromDisk();
    if (last && this.faults.takeExtra('redeliverLot')) return this.redeliver(last);
    const state = this.register.state;
    const now = new Date();
    state.lotSeq += 1;
    const lotId = `${now.getUTCFullYear()}-${String(state.lotSeq).padStart(4, '0')}`;
    const breakDigest = this.faults.takeExtra('badDigest');
    const dropPiece = this.faults.takeExtra('missingPiece');
    const breakEntry = this.faults.takeExtra('invalidEntry');
    const breakManifest = this.faults.takeExtra('malformedManifest');
    const incomplete = this.faults.takeExtra('incompleteLot');

    const files = new Map<string, Buffer>();
    const entries: string[] = [];
    const plis: PublishedPli[] = [];
    let n = Object.keys(state.plis).length;
    for (let i = 0; i < count; i += 1, n += 1) {
      const idPli = `PLI-${lotId}-${String(i + 1).padStart(3, '0')}`;
      const person = addressee(n);
      const court = COURTS[n % COURTS.length];
      const subject = SUBJECTS[n % SUBJECTS.length];
      const numero = `${now.getUTCFullYear()}/${1201 + (n % 7)}/${String(1000 + n)}`;
      const invalid = breakEntry && i === Math.min(1, count - 1);
      const pays = invalid ? 'XX' : person.adresse.pays;
      const pieces: Array<{ fichier: string; empreinte: string }> = [];
      const pieceCount = n % 3 === 2 ? 2 : 1;
      for (let p = 0; p < pieceCount; p += 1) {
        const fichier = `${idPli}_${p === 0 ? 'acte' : 'resume'}.pdf`;
        const content = minimalPdf([
          p === 0 ? `ACTE ${subject.nature}` : 'FORMULE - ELEMENTS ESSENTIELS DE L\'ACTE (Convention de La Haye 1965)',
          court.nom, `Affaire ${numero}`, subject.objet, `Pli ${idPli}`, `Destinataire: ${person.prenom} ${person.nom}, ${person.adresse.ville}`,
        ]);
        pieces.push({ fichier, empreinte: sha256(content) });
        files.set(fichier, content);
      }
      const badDigestHere = breakDigest && i === 0;
      if (badDigestHere) pieces[0].empreinte = sha256(`autre contenu ${idPli}`);
      const missingHere = dropPiece && i === count - 1;
      if (missingHere) files.delete(pieces[0].fichier);
      const comparution = new Date(now.getTime() + (40 + (n % 30)) * 86_400_000);
      const delai = new Date(comparution.getTime() - 10 * 86_400_000);
      entries.push('<Pli>'
        + `<IdPli>${idPli}</IdPli><Juridiction><Nom>${esc(court.nom)}</Nom><Adresse>${esc(court.adresse)}</Adresse></Juridiction>`
        + (invalid ? '' : `<NumeroAffaire>${numero}</NumeroAffaire>`)
        + `<NatureActe>${subject.nature}</NatureActe><ObjetResume>${esc(subject.objet)}</ObjetResume>`
        + destinataireXml(person, pays)
        + `<ModeSignification>${MODES[n % MODES.length]}</ModeSignification>`
        + (subject.nature === 'JUDICIAIRE' ? `<DateComparution>${isoDate(comparution)}</DateComparution>` : '')
        + `<DelaiRetour>${isoDate(delai)}</DelaiRetour>`
        + `<Pieces>${pieces.map((p) => `<Piece><Fichier>${p.fichier}</Fichier><Empreinte>${p.empreinte}</Empreinte></Piece>`).join('')}</Pieces>`
        + '</Pli>');
      const post = invalid ? null : postOf(pays) ?? null;
      // What a careful hub answers: data first, then the pieces, then the district.
      const expected: Expected = invalid ? 'DONNEES_INVALIDES' : missingHere ? 'PIECE_MANQUANTE' : badDigestHere ? 'EMPREINTE_INVALIDE' : post ? 'Accepte' : 'HORS_CIRCONSCRIPTION';
      plis.push({ idPli, pays, post, expected });
      state.plis[idPli] = { lotId, pays, post, expected, statuses: [], attestations: [] };
    }
    let manifest = `<?xml version="1.0" encoding="UTF-8"?>\n<Lot xmlns="${JUSTICE_NS}" id="${lotId}" cree="${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}">\n${entries.join('\n')}\n</Lot>\n`;
    if (breakManifest) manifest = manifest.slice(0, Math.floor(manifest.length * 0.6)); // cut mid-element: not well-formed
    files.set('manifest.xml', Buffer.from(manifest, 'utf8'));

    const report: PublishReport = { lotId, path: `/sortant/LOT_${lotId}`, redelivered: false, complete: !incomplete, manifestSha256: sha256(manifest), plis };
    state.lots[lotId] = { created: now.toISOString(), plis: plis.map((p) => p.idPli), complete: !incomplete, deliveries: 1 };
    await this.writeLot(lotId, files, !incomplete);
    await this.register.persist();
    this.last = { lotId, files, report };
    return report;
  }

  /** After a restart the last lot is read back from the SFTP folder and the register. */
  private async lastFromDisk(): Promise<LotFiles | undefined> {
    const lotId = Object.keys(this.register.state.lots).sort().pop();
    if (!lotId) return undefined;
    const dir = join(this.root, 'sortant', `LOT_${lotId}`);
    const names = await readdir(dir).catch(() => undefined);
    if (!names?.includes('manifest.xml')) return undefined;
    const files = new Map<string, Buffer>();
    for (const name of names.sort()) files.set(name, await readFile(join(dir, name)));
    const plis = this.register.state.lots[lotId].plis.flatMap((idPli) => {
      const record = this.register.state.plis[idPli];
      return record ? [{ idPli, pays: record.pays, post: record.post, expected: record.expected }] : [];
    });
    const report: PublishReport = { lotId, path: `/sortant/LOT_${lotId}`, redelivered: false, complete: true, manifestSha256: sha256(files.get('manifest.xml') ?? ''), plis };
    this.last = { lotId, files, report };
    return this.last;
  }

  private async redeliver(lot: LotFiles): Promise<PublishReport> {
    await rm(join(this.root, 'sortant', `LOT_${lot.lotId}.pret`), { force: true });
    await this.writeLot(lot.lotId, lot.files, true);
    const entry = this.register.state.lots[lot.lotId];
    if (entry) { entry.deliveries += 1; entry.complete = true; }
    await this.register.persist();
    return { ...lot.report, redelivered: true, complete: true };
  }

  /** Documents first, the manifest next, the marker last: a lot is whole once its marker is there. */
  private async writeLot(lotId: string, files: Map<string, Buffer>, withMarker: boolean): Promise<void> {
    const dir = join(this.root, 'sortant', `LOT_${lotId}`);
    await mkdir(dir, { recursive: true });
    for (const [name, content] of files) if (name !== 'manifest.xml') await writeFile(join(dir, name), content);
    const manifest = files.get('manifest.xml');
    if (manifest) await writeFile(join(dir, 'manifest.xml'), manifest);
    if (withMarker) await writeFile(join(this.root, 'sortant', `LOT_${lotId}.pret`), '');
  }

  /** Reads every acknowledgement in `/entrant` not read yet (or rewritten with other content). */
  readAcknowledgements(): Promise<AckReport[]> {
    const run = this.queue.then(() => this.readAcks());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async readAcks(): Promise<AckReport[]> {
    const dir = join(this.root, 'entrant');
    const fresh: AckReport[] = [];
    for (const name of (await readdir(dir)).sort()) {
      const match = /^ACK_LOT_(.+)\.xml$/.exec(name);
      if (!match) continue;
      const raw = await readFile(join(dir, name));
      const digest = sha256(raw);
      if (this.acksRead.get(name) === digest) continue;
      this.acksRead.set(name, digest);
      fresh.push(this.evaluate(name, match[1], raw.toString('utf8')));
    }
    if (fresh.length > 0) await this.register.persist();
    this.acknowledgements.push(...fresh);
    return fresh;
  }

  private evaluate(file: string, lotIdFromName: string, xml: string): AckReport {
    const report: AckReport = { file, lotId: null, readAt: new Date().toISOString(), plis: [], problems: [] };
    let root: unknown;
    try {
      const doc = parseDocument(xml);
      root = get(doc, 'AccuseLot');
      if (root === undefined) { report.problems.push('the root element is not AccuseLot'); return report; }
    } catch (error) {
      if (!(error instanceof BadXml)) throw error;
      report.problems.push('not well-formed XML (or a DTD)');
      return report;
    }
    if (!xml.includes(JUSTICE_NS)) report.problems.push(`AccuseLot is not in the namespace ${JUSTICE_NS}`);
    const lotId = typeof root === 'object' && root !== null ? (root as Record<string, unknown>)['@id'] : undefined;
    report.lotId = typeof lotId === 'string' ? lotId : null;
    if (report.lotId !== lotIdFromName) report.problems.push('AccuseLot/@id differs from the lot id of the file name');
    const lot = this.register.state.lots[lotIdFromName];
    if (!lot) { report.problems.push('no such lot was published'); return report; }
    const seen = new Set<string>();
    for (const pli of getAll(root, 'Pli')) {
      const idPli = str(get(pli, 'IdPli'));
      if (!idPli) { report.problems.push('a Pli without IdPli'); continue; }
      if (!lot.plis.includes(idPli)) { report.problems.push(`${idPli} is not in this lot`); continue; }
      if (seen.has(idPli)) { report.problems.push(`${idPli} is answered twice`); continue; }
      seen.add(idPli);
      const accepted = get(pli, 'Accepte') !== undefined;
      const rejected = get(pli, 'Rejete');
      if (accepted === (rejected !== undefined)) { report.problems.push(`${idPli}: exactly one of Accepte and Rejete is expected`); continue; }
      const record = this.register.state.plis[idPli];
      if (accepted) {
        report.plis.push({ idPli, outcome: 'Accepte', expected: record.expected });
        record.acknowledged = { outcome: 'Accepte' };
        continue;
      }
      const motif = str(get(rejected, 'Motif'));
      if (!motif || !(MOTIFS as readonly string[]).includes(motif)) { report.problems.push(`${idPli}: Rejete needs a Motif among ${MOTIFS.join(', ')}`); continue; }
      report.plis.push({ idPli, outcome: 'Rejete', motif, expected: record.expected });
      record.acknowledged = { outcome: 'Rejete', motif };
    }
    for (const idPli of lot.plis) if (!seen.has(idPli)) report.problems.push(`${idPli} is not answered`);
    return report;
  }
}
