import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { HUB_CLIENT_CN, ensureSandboxPki } from './pki';

describe('ensureSandboxPki', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'sandbox-pki-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('creates a CA, a loopback server certificate and the hub client certificate signed by it', async () => {
    const pki = await ensureSandboxPki(join(dir, 'pki'));
    for (const path of Object.values(pki)) expect(isAbsolute(path)).toBe(true);

    const ca = new X509Certificate(await readFile(pki.caCertPath));
    const server = new X509Certificate(await readFile(pki.serverCertPath));
    const client = new X509Certificate(await readFile(pki.clientCertPath));
    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey) && client.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(client.subject).toContain(`CN=${HUB_CLIENT_CN}`);
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

    expect(await readFile(pki.serverKeyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    for (const keyPath of [pki.serverKeyPath, pki.clientKeyPath, join(dir, 'pki', 'ca.key')]) {
      expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    }
  });

  it('reuses existing material, and two concurrent callers end up with one CA', async () => {
    const [a, b] = await Promise.all([ensureSandboxPki(dir), ensureSandboxPki(dir)]);
    expect(a).toEqual(b);
    const caPem = await readFile(a.caCertPath, 'utf8');
    const clientPem = await readFile(a.clientCertPath, 'utf8');
    for (const leaf of [a.serverCertPath, a.clientCertPath]) {
      expect(new X509Certificate(await readFile(leaf)).verify(new X509Certificate(caPem).publicKey)).toBe(true);
    }

    await ensureSandboxPki(dir);
    expect(await readFile(a.caCertPath, 'utf8')).toBe(caPem);
    expect(await readFile(a.clientCertPath, 'utf8')).toBe(clientPem);
  });

  it('reissues a missing or broken leaf under the same CA', async () => {
    const pki = await ensureSandboxPki(dir);
    const caPem = await readFile(pki.caCertPath, 'utf8');
    await unlink(pki.serverKeyPath);
    await writeFile(pki.clientCertPath, 'not a certificate');

    await ensureSandboxPki(dir);
    expect(await readFile(pki.caCertPath, 'utf8')).toBe(caPem);
    const ca = new X509Certificate(caPem);
    expect(new X509Certificate(await readFile(pki.serverCertPath)).verify(ca.publicKey)).toBe(true);
    expect(new X509Certificate(await readFile(pki.clientCertPath)).verify(ca.publicKey)).toBe(true);
  });
});
