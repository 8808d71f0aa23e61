/**
 * The NARSA sandbox, SFTP side (narsa.md, batches): an SFTP server (ssh2's Server on a real socket)
 * that lets in the hub's public key only, with `/depot` and `/retour`, and the agency's night run
 * on demand. See README.md beside this file.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { closeServer } from '../../_kit/http';
import type { SftpEvent } from '../../_kit/sftp-files';
import { startSftpServer } from '../../_kit/sftp-server';
import { startSftpControl } from './control';
import { NarsaSftpFaults } from './faults';
import { runNight, type NightReport } from './night';

export { NarsaSftpFaults, type NarsaSftpFaultState } from './faults';
export type { NightReport } from './night';
export type { SftpEvent } from '../../_kit/sftp-files';

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

export async function startNarsaSftpSandbox(options: NarsaSftpSandboxOptions): Promise<NarsaSftpSandbox> {
  const host = options.host ?? '127.0.0.1';
  const username = options.username ?? DEFAULT_USERNAME;
  const stateDir = join(options.dataDir, 'sandbox', 'narsa', 'sftp');
  const root = join(stateDir, 'root');
  await Promise.all(['depot', 'retour'].map((d) => mkdir(join(root, d), { recursive: true })));
  const faults = new NarsaSftpFaults();
  const events: SftpEvent[] = [];
  const record = (event: SftpEvent): void => {
    events.push(event);
    if (events.length > MAX_EVENTS) events.shift();
  };
  const ssh = await startSftpServer({
    root, hostKeyDir: join(stateDir, 'host-key'), hostKeyComment: 'narsa-sandbox', hubPublicKey: options.hubPublicKey,
    username, host, port: options.port ?? 0, isDown: () => faults.down, record,
    faults: { holdRequest: () => faults.take('holdNext'), padUpload: () => faults.take('padNextUpload') },
  });
  const { port, hostKeyFingerprint } = ssh;
  // One run at a time, whether it comes from code or from the control endpoint.
  let nights: Promise<unknown> = Promise.resolve();
  const memory = { attestationsRead: new Set<string>() };
  const night = (): Promise<NightReport> => {
    const run = nights.then(() => runNight(root, faults, memory));
    nights = run.catch(() => undefined);
    return run;
  };
  const closeSsh = (): Promise<void> => ssh.close();
  let control: Awaited<ReturnType<typeof startSftpControl>>;
  try {
    control = await startSftpControl({
      port: options.controlPort ?? 0, faults, events, runNight: night,
      state: () => ({ port, username, hostKeyFingerprint, connections: ssh.connections() }),
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
    hostPublicKey: ssh.hostPublicKey,
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
