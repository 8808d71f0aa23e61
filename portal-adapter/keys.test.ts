import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubError } from '../broker/errors';
import { createPortalAuth, issueToken } from './auth';
import { loadOrCreateSigningKeys, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from './keys';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'portal-keys-')); });
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('loadOrCreateSigningKeys', () => {
  it('creates a private key readable by its owner only, and the public key, in a new directory', async () => {
    const keysDir = join(dir, 'data', 'keys');
    const keys = await loadOrCreateSigningKeys(keysDir);
    expect((await stat(join(keysDir, PRIVATE_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(keysDir, PRIVATE_KEY_FILE), 'utf8')).toBe(keys.privateKeyPem);
    expect(await readFile(join(keysDir, PUBLIC_KEY_FILE), 'utf8')).toBe(keys.publicKeyPem);
    const token = await issueToken({ privateKeyPem: keys.privateKeyPem, sub: 'a', role: 'agent', post: 'CG-PARIS' });
    await expect(createPortalAuth({ publicKeyPem: keys.publicKeyPem }).verify(token)).resolves.toMatchObject({ role: 'agent' });
  });

  it('reuses the keys at the next start, and restores a missing public key', async () => {
    const first = await loadOrCreateSigningKeys(dir);
    await rm(join(dir, PUBLIC_KEY_FILE));
    const second = await loadOrCreateSigningKeys(dir);
    expect(second).toEqual(first);
    expect(await readFile(join(dir, PUBLIC_KEY_FILE), 'utf8')).toBe(first.publicKeyPem);
  });

  it('two concurrent first starts end up with one key', async () => {
    const [a, b] = await Promise.all([loadOrCreateSigningKeys(dir), loadOrCreateSigningKeys(dir)]);
    expect(a.privateKeyPem).toBe(b.privateKeyPem);
  });

  it('refuses a key file that is not an ES256 private key', async () => {
    await writeFile(join(dir, PRIVATE_KEY_FILE), 'garbage', { mode: 0o600 });
    await expect(loadOrCreateSigningKeys(dir)).rejects.toBeInstanceOf(HubError);
  });
});
