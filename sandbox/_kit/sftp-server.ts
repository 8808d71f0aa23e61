/**
 * The SSH side every SFTP sandbox agency shares (NARSA, Justice): ssh2's Server on a real socket, a
 * host key generated once under the agency's data dir (a stable pin across restarts), only the hub's
 * public key let in, and the SFTP subsystem of `sftp-files.ts` served from a folder on disk.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Connection, type ParsedKey, Server, utils } from 'ssh2';
import { isErrno, withFileLock, writeFileAtomic } from './files';
import { serveSftp, type SftpEvent, type SftpFileFaults } from './sftp-files';
import { generateSshKeyPair } from '../../connectors/sftp/key-pair';

export interface SftpServerOptions {
  /** Folder on disk that is `/` of the SFTP server. */
  root: string;
  /** Folder holding `ssh_host_ed25519_key` (+ `.pub`), created the first time. */
  hostKeyDir: string;
  /** Comment of a generated host key, e.g. `narsa-sandbox`. */
  hostKeyComment: string;
  /** The hub's SSH public key, one OpenSSH line: the only key let in. */
  hubPublicKey: string;
  username: string;
  host: string;
  port: number;
  /** Checked when a client connects: true closes it before key exchange. */
  isDown(): boolean;
  faults: SftpFileFaults;
  /** What the client did (names only, never content). */
  record(event: SftpEvent): void;
}

export interface SftpServerHandle {
  port: number;
  hostPublicKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  connections(): number;
  close(): Promise<void>;
}

/** The server's host key, generated the first time and kept under `dir`. */
export async function ensureHostKey(dir: string, comment: string): Promise<{ privateKey: string; publicKey: string }> {
  const keyPath = join(dir, 'ssh_host_ed25519_key');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return withFileLock(join(dir, '.host-key.lock'), async () => {
    try {
      const [privateKey, publicKey] = await Promise.all([readFile(keyPath, 'utf8'), readFile(`${keyPath}.pub`, 'utf8')]);
      return { privateKey, publicKey: publicKey.trim() };
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
    const pair = generateSshKeyPair(comment);
    await writeFileAtomic(keyPath, pair.private, 0o600);
    await writeFileAtomic(`${keyPath}.pub`, `${pair.public}\n`, 0o644);
    return { privateKey: pair.private, publicKey: pair.public.trim() };
  });
}

function parseOne(key: string | Buffer, what: string): ParsedKey {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw new Error(`${what}: ${parsed.message}`);
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

export function sshFingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export async function startSftpServer(options: SftpServerOptions): Promise<SftpServerHandle> {
  const hostKey = await ensureHostKey(options.hostKeyDir, options.hostKeyComment);
  const allowed = parseOne(options.hubPublicKey, 'hubPublicKey');
  const allowedBlob = allowed.getPublicSSH();
  const connections = new Set<Connection>();

  const server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    // As OpenSSH does for its sessions: no Nagle delay on the agency's answers (ssh2 has the method, its types do not).
    (client as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
    // ssh2 hands over the client once the identification lines are exchanged, before key exchange.
    if (options.isDown()) {
      client.on('error', () => undefined);
      client.end();
      return;
    }
    connections.add(client);
    client.on('close', () => connections.delete(client));
    // A client dropping mid-handshake is an everyday event on the wire, not a sandbox failure.
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== options.username || ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowedBlob)) {
        ctx.reject(['publickey']);
        return;
      }
      // Without a signature the client only asks whether the key would do; with one, it proves it holds it.
      if (!ctx.signature) { ctx.accept(); return; }
      if (allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), options.root, options.faults, options.record));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  return {
    port: (server.address() as AddressInfo).port,
    hostPublicKey: hostKey.publicKey,
    hostKeyFingerprint: sshFingerprint(hostKey.publicKey),
    connections: () => connections.size,
    async close() {
      for (const client of connections) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
