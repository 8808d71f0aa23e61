/**
 * Test support only (nothing in the hub imports it): the NARSA SFTP sandbox with a throw-away hub
 * key, and a validated connector config aimed at it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNarsaSftpSandbox, type NarsaSftpSandbox } from '../../sandbox/narsa/sftp';
import { validateConnectorConfig } from '../../connectors/_kit/contract';
import { sftpConfigSchema, type SftpConnectorConfig } from '../../connectors/sftp/config-schema';
import { generateSshKeyPair } from '../../connectors/sftp/key-pair';

export interface NarsaSftpPeer {
  sandbox: NarsaSftpSandbox;
  dataDir: string;
  hubKeyPath: string;
  config(overrides?: Record<string, unknown>): SftpConnectorConfig;
  close(): Promise<void>;
}

export const NARSA_SFTP_OPERATIONS = {
  'licence.bulk-verify': { directory: '/depot', fileNamePattern: 'VERIF_[A-Z-]+_[0-9]{8}_[0-9]{3}\\.xml' },
};

export const NARSA_SFTP_INBOUND = {
  results: { directory: '/retour', fileNamePattern: 'RESULT_VERIF_.*\\.xml', completion: 'sha256-companion' },
};

export async function startNarsaSftpPeer(): Promise<NarsaSftpPeer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sftp-narsa-'));
  const pair = generateSshKeyPair();
  const hubKeyPath = join(dataDir, 'hub_ed25519');
  await writeFile(hubKeyPath, pair.private, { mode: 0o600 });
  const sandbox = await startNarsaSftpSandbox({ dataDir, hubPublicKey: pair.public });
  return {
    sandbox,
    dataDir,
    hubKeyPath,
    config: (overrides = {}) => validateConnectorConfig<SftpConnectorConfig>(sftpConfigSchema, {
      host: sandbox.host,
      port: sandbox.port,
      username: sandbox.username,
      privateKeyPath: hubKeyPath,
      hostKey: { sha256: sandbox.hostKeyFingerprint },
      timeoutMs: 3000,
      operations: NARSA_SFTP_OPERATIONS,
      inbound: NARSA_SFTP_INBOUND,
      ...overrides,
    }, 'partners.narsa.sftp'),
    async close() {
      await sandbox.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
