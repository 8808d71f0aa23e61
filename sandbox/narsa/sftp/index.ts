/**
 * The NARSA sandbox, SFTP side (narsa.md, batches): an SFTP server (ssh2's Server on a real socket)
 * that lets in the hub's public key only, with `/depot` and `/retour`, and the agency's night run
 * on demand. See README.md beside this file.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Connection, type ParsedKey, Server, utils } from 'ssh2';
import { isErrno, withFileLock, writeFileAtomic } from '../../_kit/files';
import { closeServer } from '../../_kit/http';
import { startSftpControl } from './control';
import { NarsaSftpFaults } from './faults';
import { runNight, type NightReport } from './night';
import { serveSftp, type SftpEvent } from './sftp-files';

export { NarsaSftpFaults, type NarsaSftpFaultState } from './faults';
export type { NightReport } from './night';
export type { SftpEvent } from './sftp-files';

export interface NarsaSftpSandboxOptions {
  /** The hub's data directory; state lives under `<dataDir>/sandbox/narsa/sftp/`. */
  dataDir: string;
  /** The hub's SSH public key, one OpenSSH line (`ssh-ed25519 AAAA…`): the only key let in. */
  hubPublicKey: string;
  /** Account name the hub logs in with; default `econsulat`. */
  username?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Control endpoint port (always on 127.0.0.1); 0 (the default) picks a free one. */
  controlPort?: number;
}

export interface NarsaSftpSandbox {
  /** `sftp://<host>:<port>`, for run files and messages. */
  url: string;
  host: string;
  port: number;
  username: string;
  /** `http://127.0.0.1:<port>`; routes under `/_sandbox` (state, faults, reset, received, run-night). */
  controlUrl: string;
  /** Host public key, OpenSSH line, for the hub's pin. */
  hostPublicKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** Folder on disk that is `/` of the SFTP server (`depot/`, `retour/`). */
  root: string;
  faults: NarsaSftpFaults;
  /** What the hub did: writes opened, renames, removals, reads (names only). */
  events: SftpEvent[];
  /** The night run, now. */
  runNight(): Promise<NightReport>;
  close(): Promise<void>;
}

const DEFAULT_USERNAME = 'econsulat';
const MAX_EVENTS = 10_000;

/** The server's host key, generated the first time and kept under the data dir (a stable pin across restarts). */
async function ensureHostKey(dir: string): Promise<{ privateKey: string; publicKey: string }> {
  const keyPath = join(dir, 'ssh_host_ed25519_key');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return withFileLock(join(dir, '.host-key.lock'), async () => {
    try {
      const [privateKey, publicKey] = await Promise.all([readFile(keyPath, 'utf8'), readFile(`${keyPath}.pub`, 'utf8')]);
      return { privateKey, publicKey: publicKey.trim() };
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
    const pair = utils.generateKeyPairSync('ed25519', { comment: 'narsa-sandbox' });
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

function fingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export async function startNarsaSftpSandbox(options: NarsaSftpSandboxOptions): Promise<NarsaSftpSandbox> {
  const host = options.host ?? '127.0.0.1';
  const username = options.username ?? DEFAULT_USERNAME;
  const stateDir = join(options.dataDir, 'sandbox', 'narsa', 'sftp');
  const root = join(stateDir, 'root');
  await Promise.all(['depot', 'retour'].map((d) => mkdir(join(root, d), { recursive: true })));
  const hostKey = await ensureHostKey(join(stateDir, 'host-key'));
  const allowed = parseOne(options.hubPublicKey, 'hubPublicKey');
  const allowedBlob = allowed.getPublicSSH();
  const faults = new NarsaSftpFaults();
  const events: SftpEvent[] = [];
  const record = (event: SftpEvent): void => {
    events.push(event);
    if (events.length > MAX_EVENTS) events.shift();
  };
  const connections = new Set<Connection>();

  const server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    // ssh2 hands over the client once the identification lines are exchanged, before key exchange.
    if (faults.down) {
      client.on('error', () => undefined);
      client.end();
      return;
    }
    connections.add(client);
    client.on('close', () => connections.delete(client));
    // A client dropping mid-handshake is an everyday event on the wire, not a sandbox failure.
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== username || ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowedBlob)) {
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
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), root, faults, record));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const hostKeyFingerprint = fingerprint(hostKey.publicKey);
  // One run at a time, whether it comes from code or from the control endpoint.
  let nights: Promise<unknown> = Promise.resolve();
  const memory = { attestationsRead: new Set<string>() };
  const night = (): Promise<NightReport> => {
    const run = nights.then(() => runNight(root, faults, memory));
    nights = run.catch(() => undefined);
    return run;
  };
  const closeSsh = async (): Promise<void> => {
    for (const client of connections) client.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  let control: Awaited<ReturnType<typeof startSftpControl>>;
  try {
    control = await startSftpControl({
      port: options.controlPort ?? 0, faults, events, runNight: night,
      state: () => ({ port, username, hostKeyFingerprint, connections: connections.size }),
    });
  } catch (error) {
    await closeSsh();
    throw error;
  }

  return {
    url: `sftp://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    username,
    hostPublicKey: hostKey.publicKey,
    controlUrl: `http://127.0.0.1:${control.port}`,
    hostKeyFingerprint,
    root,
    faults,
    events,
    runNight: night,
    async close() {
      await Promise.all([closeSsh(), closeServer(control.server)]);
    },
  };
}
