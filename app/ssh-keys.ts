import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSshKeyPair } from '../connectors/sftp/key-pair';

/**
 * The hub's own SSH key for SFTP partners in embedded mode, created once under `<dataDir>/keys` (0600).
 * A deployment names its key file in `partners.<partner>.sftp.privateKeyPath` instead.
 */
export function ensureHubSshKey(dataDir: string): { privateKeyPath: string; publicKey: string } {
  const dir = path.join(dataDir, 'keys');
  const privateKeyPath = path.join(dir, 'hub_sftp_ed25519');
  if (!existsSync(privateKeyPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = generateSshKeyPair('econsulat-hub');
    writeFileSync(privateKeyPath + '.pub', pair.public + '\n');
    writeFileSync(privateKeyPath, pair.private, { mode: 0o600 });
  }
  return { privateKeyPath, publicKey: readFileSync(privateKeyPath + '.pub', 'utf8').trim() };
}
