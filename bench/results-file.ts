/**
 * A NARSA results file for the batch bench: `/retour/RESULT_VERIF_BENCH_<yyyyMMdd>_<nnn>.xml` written straight into
 * the SFTP sandbox's root folder, record by record through a write stream (memory flat in the size), with its
 * `.sha256`, exactly as the sandbox's night run writes it (`resultFor`, the same root and namespace), for the demo
 * licences (sandbox/narsa/data.ts). Request ids encode the record's position, so the worker can find "the request
 * it answers" (the licence number we asked for) without holding a table of 200,000 requests in memory: that
 * stand-in for the hub's own request lookup costs nothing in the measurement.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PERMIS } from '../sandbox/narsa/data';
import { NARSA_NS, resultFor } from '../sandbox/narsa/sftp/night';

export const RESULTS_DAY = '20261127';

export function resultFileName(fileNo: number): string {
  return `RESULT_VERIF_BENCH_${RESULTS_DAY}_${String(fileNo).padStart(3, '0')}.xml`;
}

/** `<file>-0000-4000-8000-<index>`, a valid UUID whose last group is the record's index (hex). */
export function benchRequestId(fileNo: number, index: number): string {
  return `${fileNo.toString(16).padStart(8, '0')}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

export function indexOfRequestId(requestId: string): number | undefined {
  const m = /^[0-9a-f]{8}-0000-4000-8000-([0-9a-f]{12})$/.exec(requestId);
  return m ? parseInt(m[1], 16) : undefined;
}

/**
 * Six in eight records FOUND (the six demo licences in turn: valid, suspended, expired, cancelled, replaced, valid
 * with a professional category), one NOT_FOUND (an unknown number), one MISMATCH (a known number, another CNIE).
 */
function requestFor(fileNo: number, index: number): { seq: string; requestId: string; licenceNumber: string; cnie: string; birthDate: string } {
  const permis = PERMIS[index % PERMIS.length];
  const kind = index % 8;
  const base = { seq: String(index + 1), requestId: benchRequestId(fileNo, index) };
  if (kind === 6) return { ...base, licenceNumber: licenceNumberFor(index), cnie: 'ZZ000000', birthDate: '1980-01-01' };
  const cnie = kind === 7 ? 'ZZ999999' : permis.titulaire.cnie;
  return { ...base, licenceNumber: permis.numero, cnie, birthDate: permis.titulaire.dateNaissance };
}

/** The `Result` element of record `index` of file `fileNo`, as the sandbox writes it. */
export function resultRecordXml(fileNo: number, index: number): string {
  return resultFor(requestFor(fileNo, index));
}

/** The licence number the hub asked for in record `index` (what the hub would find by the request id). */
export function licenceNumberFor(index: number): string {
  return index % 8 === 6 ? `99/${String(index).padStart(6, '0')}` : PERMIS[index % PERMIS.length].numero;
}

export interface WrittenFile { name: string; path: string; bytes: number; records: number; sha256: string; seconds: number }

/** Writes the file under a temporary name (as the agency does), renames it, then writes its `.sha256`. */
export async function writeResultsFile(root: string, fileNo: number, records: number): Promise<WrittenFile> {
  const started = process.hrtime.bigint();
  const name = resultFileName(fileNo);
  const path = join(root, 'retour', name);
  const tmp = join(root, 'retour', `.${name}.part`);
  const hash = createHash('sha256');
  const out = createWriteStream(tmp, { mode: 0o640, highWaterMark: 1 << 20 });
  let bytes = 0;
  let failure: Error | undefined;
  out.on('error', (err) => { failure = err; out.emit('drain'); });
  const write = async (text: string): Promise<void> => {
    const buf = Buffer.from(text, 'utf8');
    hash.update(buf);
    bytes += buf.length;
    if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', resolve));
    if (failure) throw failure;
  };
  await write(`<?xml version="1.0" encoding="UTF-8"?>\n<LicenceVerificationResults xmlns="${NARSA_NS}" batchId="BENCH-${fileNo}" count="${records}">\n`);
  const perWrite = 500;
  for (let i = 0; i < records; i += perWrite) {
    const lines: string[] = [];
    for (let j = i; j < Math.min(records, i + perWrite); j++) lines.push(resultRecordXml(fileNo, j));
    await write(lines.join('\n') + '\n');
  }
  await write('</LicenceVerificationResults>\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  await rename(tmp, path);
  const sha256 = hash.digest('hex');
  await writeFile(`${path}.sha256`, `${sha256}\n`, { mode: 0o640 });
  return { name, path, bytes, records, sha256, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
