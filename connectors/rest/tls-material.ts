/**
 * Reads the TLS files named in the config, once per connect, and checks that they make a usable
 * context: a wrong path or a key that does not match its certificate is a configuration error an
 * operator can fix, reported before the first partner message rather than on it.
 */
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { HubError } from '../../broker/errors';
import type { RestTlsConfig } from './config-schema';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
}

async function readSetting(where: string, setting: keyof RestTlsConfig, path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new HubError('CONFIG_INVALID', `${where}.tls.${setting}: cannot read ${path} (${code})`, { errors: [{ path: `${where}.tls.${setting}`, message: `cannot read file (${code})` }] });
  }
}

export async function loadTlsMaterial(config: RestTlsConfig | undefined, where: string): Promise<TlsMaterial> {
  if (!config) return {};
  if ((config.certPath === undefined) !== (config.keyPath === undefined)) {
    const missing = config.certPath === undefined ? 'certPath' : 'keyPath';
    throw new HubError('CONFIG_INVALID', `${where}.tls.${missing}: is required with ${missing === 'certPath' ? 'keyPath' : 'certPath'} (mutual TLS needs both)`);
  }
  const material: TlsMaterial = {
    ca: await readSetting(where, 'caPath', config.caPath),
    cert: await readSetting(where, 'certPath', config.certPath),
    key: await readSetting(where, 'keyPath', config.keyPath),
    passphrase: config.passphrase,
  };
  try {
    tls.createSecureContext(material);
  } catch (error) {
    // OpenSSL's reason (e.g. "key values mismatch") names no secret; the passphrase is never echoed.
    const reason = error instanceof Error ? error.message : 'unusable';
    throw new HubError('CONFIG_INVALID', `${where}.tls: the CA, certificate and key do not make a usable TLS context (${reason})`);
  }
  return material;
}
