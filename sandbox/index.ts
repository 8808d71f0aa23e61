/**
 * Starts the simulated partner agencies for embedded mode and tests. Only the embedded
 * launcher and tests import this; no production configuration loads the sandbox.
 * Implemented so far: NARSA (REST over mutual TLS, SFTP batches), DGSN (REST + OAuth2, signed webhooks), Health (XML over HTTPS, decision feed),
 * Interior (SOAP 1.1 both ways), Justice (SFTP lots in, SOAP 1.1 out).
 */
import { type NarsaSandbox, type NarsaSftpSandbox, startNarsaSandbox, startNarsaSftpSandbox } from './narsa';
import { type DgsnSandbox, startDgsnSandbox } from './dgsn';
import { type HealthSandbox, startHealthSandbox } from './health';
import { type InteriorSandbox, startInteriorSandbox } from './interior';
import { type JusticeSandbox, startJusticeSandbox } from './justice';

export type { SandboxPki } from './pki';
export { ensureSandboxPki } from './pki';
export type { NarsaSandbox, NarsaSandboxOptions } from './narsa';
export { startNarsaSandbox, startNarsaSftpSandbox, type NarsaSftpSandbox } from './narsa';
export type { DgsnSandbox, DgsnSandboxOptions } from './dgsn';
export { startHealthSandbox, type HealthSandbox } from './health';
export { startDgsnSandbox, DGSN_DEFAULT_CLIENT_ID, DGSN_DEFAULT_CLIENT_SECRET, DGSN_DEFAULT_WEBHOOK_SECRET } from './dgsn';
export type { InteriorSandbox, InteriorSandboxOptions, InteriorCredentials } from './interior';
export { startInteriorSandbox, DEFAULT_INTERIOR_CREDENTIALS } from './interior';
export type { JusticeSandbox, JusticeSandboxOptions, JusticeCredentials, PublishReport, AckReport } from './justice';
export { startJusticeSandbox, DEFAULT_JUSTICE_CREDENTIALS } from './justice';
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
  interior?: number;
  interiorControl?: number;
  justice?: number;
  justiceSftp?: number;
  justiceControl?: number;
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
  interior: InteriorSandbox;
  justice: JusticeSandbox;
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
    // The hub's callback URL is known only once the hub is up: set it with `interior.setCallbackUrl`.
    started.interior = await startInteriorSandbox({ dataDir: options.dataDir, host: options.host, port: options.ports?.interior, controlPort: options.ports?.interiorControl });
    started.justice = await startJusticeSandbox({
      dataDir: options.dataDir, hubPublicKey: options.hubSshPublicKey, host: options.host,
      soapPort: options.ports?.justice, sftpPort: options.ports?.justiceSftp, controlPort: options.ports?.justiceControl,
    });
    return { narsa: started.narsa, dgsn: started.dgsn, narsaSftp: started.narsaSftp, health: started.health, interior: started.interior, justice: started.justice };
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
