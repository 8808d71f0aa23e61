/**
 * Which entries of a polled directory are complete. NARSA: a file is complete once its `.sha256`
 * companion is beside it. Justice: a lot folder `LOT_<id>/` is complete once the marker file
 * `LOT_<id>.pret` is beside it. Anything else (no companion yet, temporary names) is left alone.
 */
import { posix } from 'node:path';
import type { FileEntryWithStats } from 'ssh2';
import type { SftpInboundSource } from './config-schema';

export interface InboundEntry {
  /** Name in the directory, e.g. `RESULT_VERIF_CG-PARIS_20261127_001.xml` or `LOT_2026-0042`. */
  name: string;
  path: string;
  /** Size in bytes (0 for a folder). */
  size: number;
  /** Modification time, seconds since the epoch (a re-delivered file has a new one). */
  mtime: number;
  isDirectory: boolean;
  /** The companion (`.sha256`) or marker file that made the entry complete. */
  completionPath: string;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

function fullMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern.replace(/^\^/, '').replace(/\$$/, '')})$`);
}

export function completeEntries(source: SftpInboundSource, listing: readonly FileEntryWithStats[]): InboundEntry[] {
  const names = new Set(listing.map((entry) => entry.filename));
  const pattern = fullMatch(source.fileNamePattern);
  const out: InboundEntry[] = [];
  for (const entry of listing) {
    const name = entry.filename;
    if (name.startsWith('.') || !pattern.test(name)) continue;
    const type = (entry.attrs.mode ?? 0) & S_IFMT;
    const isDirectory = type === S_IFDIR;
    if (source.completion === 'sha256-companion') {
      if (type !== S_IFREG || !names.has(`${name}.sha256`)) continue;
      out.push({ name, path: posix.join(source.directory, name), size: entry.attrs.size ?? 0, mtime: entry.attrs.mtime ?? 0, isDirectory, completionPath: posix.join(source.directory, `${name}.sha256`) });
    } else {
      const marker = `${name}${source.markerSuffix}`;
      if (!names.has(marker)) continue;
      out.push({ name, path: posix.join(source.directory, name), size: isDirectory ? 0 : entry.attrs.size ?? 0, mtime: entry.attrs.mtime ?? 0, isDirectory, completionPath: posix.join(source.directory, marker) });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
