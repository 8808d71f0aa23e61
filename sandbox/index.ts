/**
 * Starts the simulated partner agencies for embedded mode and tests. Only the embedded
 * launcher and tests import this; no production configuration loads the sandbox.
 * Implemented so far: NARSA (REST over mutual TLS, SFTP batches), DGSN (REST + OAuth2, signed webhooks), Health (XML over HTTPS, decision feed).
 */
import { type NarsaSandbox, type NarsaSftpSandbox, startNarsaSandbox, startNarsaSftpSandbox } from './narsa';
import { type DgsnSandbox, startDgsnSandbox } from './dgsn';
import { type HealthSandbox, startHealthSandbox } from './health';

export type { SandboxPki } from './pki';
export { ensureSandboxPki } from './pki';
export type { NarsaSandbox, NarsaSandboxOptions } from './narsa';
export { startNarsaSandbox, startNarsaSftpSandbox, type NarsaSftpSandbox } from './narsa';
export type { DgsnSandbox, DgsnSandboxOptions } from './dgsn';
export { startHealthSandbox, type HealthSandbox } from './health';
export { startDgsnSandbox, DGSN_DEFAULT_CLIENT_ID, DGSN_DEFAULT_CLIENT_SECRET, DGSN_DEFAULT_WEBHOOK_SECRET } from './dgsn';
export type { FaultCount, FaultState, FaultSwitches } from './_kit/faults';
export type { ReceivedCounts, ReceivedLog, ReceivedRequest } from './_kit/received-log';

/** Fixed ports per agency; omitted or 0 = a free port chosen by the system. */
export interface SandboxPorts {
  narsa?: number;
  narsaControl?: number;
  dgsn?: number;
  dgsnControl?: number;
  narsaSftp?: number;
  narsaSftpControl?: number;
  health?: number;
  healthControl?: number;
}

export interface SandboxesOptions {
  /** The hub's data directory (`HUB_DATA_DIR`); each agency keeps its state under `sandbox/<agency>`. */
  dataDir: string;
  ports?: SandboxPorts;
  /** Bind address of the agencies' own servers (control endpoints stay on 127.0.0.1). */
  host?: string;
  /** The hub's SSH public key (OpenSSH line), authorised on the SFTP servers of the agencies. */
  hubSshPublicKey: string;
}

export interface Sandboxes {
  narsa: NarsaSandbox;
  dgsn: DgsnSandbox;
  narsaSftp: NarsaSftpSandbox;
  health: HealthSandbox;
}

export async function startSandboxes(options: SandboxesOptions): Promise<Sandboxes> {
  const started: Partial<Sandboxes> = {};
  try {
    started.narsa = await startNarsaSandbox({
      dataDir: options.dataDir,
      host: options.host,
      port: options.ports?.narsa,
      controlPort: options.ports?.narsaControl,
    });
    started.dgsn = await startDgsnSandbox({ dataDir: options.dataDir, host: options.host, port: options.ports?.dgsn, controlPort: options.ports?.dgsnControl });
    started.narsaSftp = await startNarsaSftpSandbox({ dataDir: options.dataDir, hubPublicKey: options.hubSshPublicKey, host: options.host, port: options.ports?.narsaSftp, controlPort: options.ports?.narsaSftpControl });
    started.health = await startHealthSandbox({ dataDir: options.dataDir, host: options.host, port: options.ports?.health, controlPort: options.ports?.healthControl });
    return { narsa: started.narsa, dgsn: started.dgsn, narsaSftp: started.narsaSftp, health: started.health };
  } catch (err) {
    // One agency failing to start (a port taken) must not leave the others listening.
    await stopSandboxes(started).catch(() => undefined);
    throw err;
  }
}

export async function stopSandboxes(sandboxes: Partial<Sandboxes>): Promise<void> {
  // Close every agency even if one fails, then report the first failure.
  const results = await Promise.allSettled(Object.values(sandboxes).map((agency: { close(): Promise<void> } | undefined) => agency?.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
