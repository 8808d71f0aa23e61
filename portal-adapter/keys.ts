import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportPKCS8, generateKeyPair } from 'jose';
import { HubError } from '../broker/errors';

export const PRIVATE_KEY_FILE = 'jwt-es256.key';
export const PUBLIC_KEY_FILE = 'jwt-es256.pub';

export interface SigningKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Duck-typed: `instanceof Error` fails for errors made in another realm (jest's sandbox, vm contexts). */
function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * Writes the private key without ever exposing a half-written or world-readable file, and without overwriting a
 * key another process (a second node starting on the same data dir) created first: write a private temp file, then
 * hard-link it into place, which fails if the name exists. The loser reads the winner's key.
 */
async function createPrivateKeyFile(path: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, pem, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, path);
    return pem;
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw err;
    return await readFile(path, 'utf8');
  } finally {
    await unlink(temp);
  }
}

/** The public half is derived from the private key every time, so the two files can never disagree for long. */
function publicPemOf(privateKeyPem: string, path: string): string {
  try {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new HubError('CONFIG_INVALID', `${path} is not an EC P-256 (ES256) private key`);
    }
    return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  } catch (err) {
    if (err instanceof HubError) throw err;
    throw new HubError('CONFIG_INVALID', `${path} is not a PEM private key`, { cause: err });
  }
}

/**
 * Embedded mode: the hub signs its own tokens. Creates `<dir>/jwt-es256.key` (mode 0600) and `<dir>/jwt-es256.pub`
 * at first start, reuses them afterwards.
 */
export async function loadOrCreateSigningKeys(dir: string): Promise<SigningKeys> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  const privateKeyPem = (await readIfExists(privatePath)) ?? (await createPrivateKeyFile(privatePath));
  const publicKeyPem = publicPemOf(privateKeyPem, privatePath);
  if ((await readIfExists(publicPath)) !== publicKeyPem) {
    // Replaced by rename so that a reader never sees a partial file.
    const temp = `${publicPath}.${randomUUID()}.tmp`;
    await writeFile(temp, publicKeyPem, { mode: 0o644, flag: 'wx' });
    await rename(temp, publicPath);
  }
  return { privateKeyPem, publicKeyPem };
}
