/**
 * Writes one file the way the partner contracts ask: under a temporary name, renamed when complete,
 * then the `.sha256` companion (hex digest) written the same way. A reader that waits for the
 * companion never sees a half-written file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { HubError } from '../../broker/errors';
import type { SftpSession } from './sftp-session';

export const UPLOAD_CHUNK_BYTES = 32 * 1024;

export interface UploadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** True when the same file (same digest) was already complete on the server: nothing was written. */
  alreadyThere: boolean;
}

/** `.<name>.<random>.part`: a dot name and a suffix no partner pattern matches, so pollers skip it. */
export function temporaryName(name: string): string {
  return `.${name}.${randomBytes(6).toString('hex')}.part`;
}

async function writeWhole(session: SftpSession, path: string, content: Buffer, what: string): Promise<void> {
  const handle = await session.openForWrite(path, what);
  try {
    for (let offset = 0; offset < content.length; offset += UPLOAD_CHUNK_BYTES) {
      await session.write(handle, content.subarray(offset, offset + UPLOAD_CHUNK_BYTES), offset, what);
    }
    // The server's own count of what it holds: a short or padded file must not be renamed into place.
    const held = await session.fstat(handle, what);
    if (held.size !== content.length) {
      throw new HubError('PARTNER_BAD_RESPONSE', `${what}: the server holds ${held.size} bytes after the upload of ${content.length}; the file was not put in place`);
    }
  } finally {
    await session.closeHandle(handle, what).catch(() => undefined);
  }
}

async function readSmallFile(session: SftpSession, path: string, what: string, maxBytes: number): Promise<string> {
  const handle = await session.openForRead(path, what);
  try {
    const chunk = await session.read(handle, maxBytes, 0, what);
    return chunk.toString('utf8');
  } finally {
    await session.closeHandle(handle, what).catch(() => undefined);
  }
}

/** Puts `tmp` in place as `final`; a leftover `final` without its companion is an earlier attempt of ours. */
async function renameIntoPlace(session: SftpSession, tmp: string, final: string, what: string): Promise<void> {
  // SFTP v3 RENAME refuses an existing target, so the leftover is removed first.
  if (await session.statIfExists(final, what)) await session.unlink(final, what);
  await session.rename(tmp, final, what);
}

async function writeAtomically(session: SftpSession, directory: string, name: string, content: Buffer, what: string): Promise<void> {
  const tmp = posix.join(directory, temporaryName(name));
  try {
    await writeWhole(session, tmp, content, what);
    await renameIntoPlace(session, tmp, posix.join(directory, name), what);
  } catch (error) {
    if (session.isOpen) await session.unlink(tmp, what).catch(() => undefined);
    throw error;
  }
}

/** Re-cuts a stream into writes of at most UPLOAD_CHUNK_BYTES. */
async function* inWrites(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const piece of source) {
    const buffer = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    for (let offset = 0; offset < buffer.length; offset += UPLOAD_CHUNK_BYTES) yield buffer.subarray(offset, offset + UPLOAD_CHUNK_BYTES);
  }
}

/**
 * Uploads a stream (a batch rendered row by row, say) as `<directory>/<name>` without holding it in
 * memory: written under a temporary name while its digest is computed, then, as for `uploadFile`,
 * checked against a companion already there, renamed, and followed by `<name>.sha256`.
 */
export async function uploadStream(
  session: SftpSession,
  options: { directory: string; name: string; source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>; checksumFile: boolean; maxBytes: number; what: string },
): Promise<UploadResult> {
  const { directory, name, checksumFile, what } = options;
  const path = posix.join(directory, name);
  const tmp = posix.join(directory, temporaryName(name));
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const handle = await session.openForWrite(tmp, what);
    try {
      for await (const chunk of inWrites(options.source)) {
        if (bytes + chunk.length > options.maxBytes) throw new HubError('PAYLOAD_TOO_LARGE', `${what}: more than maxUploadBytes (${options.maxBytes}); nothing was put in place`);
        await session.write(handle, chunk, bytes, what);
        hash.update(chunk);
        bytes += chunk.length;
      }
      const held = await session.fstat(handle, what);
      if (held.size !== bytes) throw new HubError('PARTNER_BAD_RESPONSE', `${what}: the server holds ${held.size} bytes after the upload of ${bytes}; the file was not put in place`);
    } finally {
      await session.closeHandle(handle, what).catch(() => undefined);
    }
    const sha256 = hash.digest('hex');
    if (checksumFile && await session.statIfExists(`${path}.sha256`, what)) {
      const existing = (await readSmallFile(session, `${path}.sha256`, what, 256)).trim().split(/\s+/)[0]?.toLowerCase();
      await session.unlink(tmp, what);
      if (existing === sha256) return { path, bytes, sha256, alreadyThere: true };
      throw new HubError('PARTNER_REJECTED', `${what}: a complete file of that name with other content is already on the server`);
    }
    await renameIntoPlace(session, tmp, path, what);
    if (checksumFile) await writeAtomically(session, directory, `${name}.sha256`, Buffer.from(`${sha256}\n`, 'utf8'), what);
    return { path, bytes, sha256, alreadyThere: false };
  } catch (error) {
    if (session.isOpen) await session.unlink(tmp, what).catch(() => undefined);
    throw error;
  }
}

/**
 * Uploads `content` as `<directory>/<name>`, then `<name>.sha256` when `checksumFile`.
 * Idempotent for a retry of the same message: when the companion is already there with the same
 * digest, nothing is written; with another digest the upload is refused (the partner may have
 * taken the first one already).
 */
export async function uploadFile(
  session: SftpSession,
  options: { directory: string; name: string; content: Buffer; checksumFile: boolean; what: string },
): Promise<UploadResult> {
  const { directory, name, content, checksumFile, what } = options;
  const sha256 = createHash('sha256').update(content).digest('hex');
  const path = posix.join(directory, name);
  const companion = `${path}.sha256`;
  if (checksumFile && await session.statIfExists(companion, what)) {
    const existing = (await readSmallFile(session, companion, what, 256)).trim().split(/\s+/)[0]?.toLowerCase();
    if (existing === sha256) return { path, bytes: content.length, sha256, alreadyThere: true };
    throw new HubError('PARTNER_REJECTED', `${what}: a complete file of that name with other content is already on the server`);
  }
  await writeAtomically(session, directory, name, content, what);
  if (checksumFile) await writeAtomically(session, directory, `${name}.sha256`, Buffer.from(`${sha256}\n`, 'utf8'), what);
  return { path, bytes: content.length, sha256, alreadyThere: false };
}
