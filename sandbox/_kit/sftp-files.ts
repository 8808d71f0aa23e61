/**
 * The SFTP subsystem every SFTP sandbox agency serves (NARSA, Justice): requests served from a folder
 * on disk that stands for the agency's file system. Written against the SFTP v3 draft, not against
 * the hub's connector: RENAME refuses an existing target, READ past the end answers EOF.
 */
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, mkdir, open, opendir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type Attributes, type SFTPWrapper, utils } from 'ssh2';

const { STATUS_CODE, OPEN_MODE } = utils.sftp;

export interface SftpEvent {
  at: string;
  op: 'open-write' | 'rename' | 'remove' | 'read';
  path: string;
  to?: string;
}

/** The agency's bad days at the SFTP request level; each call uses up one count of its switch. */
export interface SftpFileFaults {
  /** True: this request is received and never answered (the client's timeout must end it). */
  holdRequest(): boolean;
  /** True: the file opened for writing keeps 4 bytes more than the client sent. */
  padUpload(): boolean;
}

interface OpenFile { kind: 'file'; path: string; fh: FileHandle; writable: boolean; pad: boolean }
interface OpenDir { kind: 'dir'; path: string; done: boolean }

function errnoStatus(error: unknown): number {
  const code = typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
  if (code === 'ENOENT' || code === 'ENOTDIR') return STATUS_CODE.NO_SUCH_FILE;
  if (code === 'EACCES' || code === 'EPERM') return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}

function attrsOf(info: { mode: number; uid: number; gid: number; size: number; atimeMs: number; mtimeMs: number }): Attributes {
  return { mode: info.mode, uid: info.uid, gid: info.gid, size: info.size, atime: Math.floor(info.atimeMs / 1000), mtime: Math.floor(info.mtimeMs / 1000) };
}

function openFlags(flags: number): number {
  let out = 0;
  const read = (flags & OPEN_MODE.READ) !== 0;
  const write = (flags & OPEN_MODE.WRITE) !== 0 || (flags & OPEN_MODE.APPEND) !== 0;
  out |= read && write ? fsConstants.O_RDWR : write ? fsConstants.O_WRONLY : fsConstants.O_RDONLY;
  if (flags & OPEN_MODE.APPEND) out |= fsConstants.O_APPEND;
  if (flags & OPEN_MODE.CREAT) out |= fsConstants.O_CREAT;
  if (flags & OPEN_MODE.TRUNC) out |= fsConstants.O_TRUNC;
  if (flags & OPEN_MODE.EXCL) out |= fsConstants.O_EXCL;
  return out;
}

/** Serves one SFTP channel from `root`; `events` receives what the hub did (names only, never content). */
export function serveSftp(sftp: SFTPWrapper, root: string, faults: SftpFileFaults, events: (event: SftpEvent) => void): void {
  const handles = new Map<number, OpenFile | OpenDir>();
  let nextHandle = 1;

  /** Virtual absolute path, normalised and kept inside the root (`..` cannot climb out). */
  const virtual = (path: string): string => posix.normalize(posix.join('/', path));
  const real = (path: string): string => join(root, ...virtual(path).split('/').filter((s) => s !== ''));
  const newHandle = (entry: OpenFile | OpenDir): Buffer => {
    const id = nextHandle++;
    handles.set(id, entry);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const lookup = (handle: Buffer): OpenFile | OpenDir | undefined => (handle.length === 4 ? handles.get(handle.readUInt32BE(0)) : undefined);
  const now = (): string => new Date().toISOString();

  /** The `holdNext` switch: the request is received and never answered. */
  const serve = (reqid: number, work: () => Promise<void>): void => {
    if (faults.holdRequest()) return;
    work().catch((error: unknown) => sftp.status(reqid, errnoStatus(error)));
  };

  sftp.on('REALPATH', (reqid, path) => serve(reqid, async () => {
    const target = virtual(path === '.' || path === '' ? '/' : path);
    sftp.name(reqid, [{ filename: target, longname: target, attrs: {} as Attributes }]);
  }));
  sftp.on('STAT', (reqid, path) => serve(reqid, async () => { sftp.attrs(reqid, attrsOf(await stat(real(path)))); }));
  sftp.on('LSTAT', (reqid, path) => serve(reqid, async () => { sftp.attrs(reqid, attrsOf(await stat(real(path)))); }));
  sftp.on('FSTAT', (reqid, handle) => serve(reqid, async () => {
    const entry = lookup(handle);
    if (!entry || entry.kind !== 'file') { sftp.status(reqid, STATUS_CODE.FAILURE); return; }
    sftp.attrs(reqid, attrsOf(await entry.fh.stat()));
  }));
  sftp.on('SETSTAT', (reqid) => serve(reqid, async () => { sftp.status(reqid, STATUS_CODE.OK); }));
  sftp.on('FSETSTAT', (reqid) => serve(reqid, async () => { sftp.status(reqid, STATUS_CODE.OK); }));
  sftp.on('OPENDIR', (reqid, path) => serve(reqid, async () => {
    const info = await stat(real(path));
    if (!info.isDirectory()) { sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE); return; }
    sftp.handle(reqid, newHandle({ kind: 'dir', path: virtual(path), done: false }));
  }));
  sftp.on('READDIR', (reqid, handle) => serve(reqid, async () => {
    const entry = lookup(handle);
    if (!entry || entry.kind !== 'dir') { sftp.status(reqid, STATUS_CODE.FAILURE); return; }
    if (entry.done) { sftp.status(reqid, STATUS_CODE.EOF); return; }
    entry.done = true;
    const names = [];
    const dir = await opendir(real(entry.path));
    for await (const dirent of dir) {
      const info = await stat(join(real(entry.path), dirent.name)).catch(() => undefined);
      if (info) names.push({ filename: dirent.name, longname: dirent.name, attrs: attrsOf(info) });
    }
    sftp.name(reqid, names);
  }));
  sftp.on('OPEN', (reqid, filename, flags) => serve(reqid, async () => {
    const path = virtual(filename);
    const writable = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND)) !== 0;
    const fh = await open(real(path), openFlags(flags), 0o640);
    const pad = writable && faults.padUpload();
    if (writable) events({ at: now(), op: 'open-write', path });
    else events({ at: now(), op: 'read', path });
    sftp.handle(reqid, newHandle({ kind: 'file', path, fh, writable, pad }));
  }));
  sftp.on('READ', (reqid, handle, offset, length) => serve(reqid, async () => {
    const entry = lookup(handle);
    if (!entry || entry.kind !== 'file') { sftp.status(reqid, STATUS_CODE.FAILURE); return; }
    const buffer = Buffer.alloc(Math.min(length, 256 * 1024));
    const { bytesRead } = await entry.fh.read(buffer, 0, buffer.length, offset);
    if (bytesRead === 0) { sftp.status(reqid, STATUS_CODE.EOF); return; }
    sftp.data(reqid, buffer.subarray(0, bytesRead));
  }));
  sftp.on('WRITE', (reqid, handle, offset, data) => serve(reqid, async () => {
    const entry = lookup(handle);
    if (!entry || entry.kind !== 'file' || !entry.writable) { sftp.status(reqid, STATUS_CODE.FAILURE); return; }
    await entry.fh.write(data, 0, data.length, offset);
    // The padding fault: the agency's disk keeps a few bytes more than it was sent.
    if (entry.pad) await entry.fh.write(Buffer.from('\0\0\0\0'), 0, 4, offset + data.length);
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('CLOSE', (reqid, handle) => serve(reqid, async () => {
    const entry = lookup(handle);
    if (!entry) { sftp.status(reqid, STATUS_CODE.FAILURE); return; }
    handles.delete(handle.readUInt32BE(0));
    if (entry.kind === 'file') await entry.fh.close();
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('RENAME', (reqid, from, to) => serve(reqid, async () => {
    const exists = await stat(real(to)).then(() => true, () => false);
    if (exists) { sftp.status(reqid, STATUS_CODE.FAILURE, 'target exists'); return; }
    await rename(real(from), real(to));
    events({ at: now(), op: 'rename', path: virtual(from), to: virtual(to) });
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('REMOVE', (reqid, path) => serve(reqid, async () => {
    const info = await stat(real(path));
    if (info.isDirectory()) { sftp.status(reqid, STATUS_CODE.FAILURE); return; }
    await rm(real(path));
    events({ at: now(), op: 'remove', path: virtual(path) });
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('MKDIR', (reqid, path) => serve(reqid, async () => { await mkdir(real(path)); sftp.status(reqid, STATUS_CODE.OK); }));
  sftp.on('RMDIR', (reqid, path) => serve(reqid, async () => { await rmdir(real(path)); sftp.status(reqid, STATUS_CODE.OK); }));
  sftp.on('close', () => {
    for (const entry of handles.values()) if (entry.kind === 'file') void entry.fh.close().catch(() => undefined);
    handles.clear();
  });
}
