/**
 * The sandbox agencies' PKI: a CA standing for "the agency's CA", a server certificate for
 * loopback and the client certificate the agency issues to the hub. Created once under a
 * directory and reused afterwards, so a hub configured with these paths keeps working
 * across restarts.
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata API loaded first
import { X509Certificate as NodeX509, createPrivateKey, webcrypto } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as x509 from '@peculiar/x509';
import { isErrno, withFileLock, writeFileAtomic } from './_kit/files';

export interface SandboxPki {
  caCertPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
}

/** The common name the agency put in the hub's client certificate. */
export const HUB_CLIENT_CN = 'econsulat-hub';

const crypto = webcrypto;
// Passed explicitly to every @peculiar/x509 call rather than set as its global provider,
// so loading the sandbox changes nothing for other code in the process. Typed as the library
// declares it (the DOM `Crypto`), which @types/node's webcrypto type does not quite match.
type X509Crypto = Parameters<typeof x509.X509CertificateGenerator.create>[1];
const x509Crypto = webcrypto as unknown as X509Crypto;
const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 86_400_000;
/** Material expiring sooner than this is renewed, so a long-lived data dir never breaks mid-run. */
const RENEW_BEFORE_MS = 30 * DAY_MS;
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

interface Leaf {
  certPath: string;
  keyPath: string;
  kind: 'server' | 'client';
}

interface LoadedCa {
  cert: x509.X509Certificate;
  nodeCert: NodeX509;
  key: webcrypto.CryptoKey;
}

export interface SandboxPkiOptions {
  /** Common name of the CA when it has to be created (names the agency it stands for). */
  caCommonName?: string;
}

export async function ensureSandboxPki(dir: string, options: SandboxPkiOptions = {}): Promise<SandboxPki> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const caKeyPath = join(root, 'ca.key');
  const pki: SandboxPki = {
    caCertPath: join(root, 'ca.crt'),
    serverCertPath: join(root, 'server.crt'),
    serverKeyPath: join(root, 'server.key'),
    clientCertPath: join(root, 'client.crt'),
    clientKeyPath: join(root, 'client.key'),
  };
  const leaves: Leaf[] = [
    { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath, kind: 'server' },
    { certPath: pki.clientCertPath, keyPath: pki.clientKeyPath, kind: 'client' },
  ];

  // Fast path without the lock: anything that validates is a consistent set, because a
  // half-written set (new CA, old leaves; a key without its certificate) fails validation.
  const ca = await loadCa(pki.caCertPath, caKeyPath);
  if (ca && (await allLeavesValid(leaves, ca.nodeCert))) return pki;

  await withFileLock(join(root, '.pki.lock'), async () => {
    // Another process may have repaired the set while we waited.
    let current = await loadCa(pki.caCertPath, caKeyPath);
    const newCa = !current;
    if (!current) current = await createCa(pki.caCertPath, caKeyPath, options.caCommonName ?? 'Sandbox Agency CA');
    for (const leaf of leaves) {
      if (newCa || !(await leafValid(leaf, current.nodeCert))) await createLeaf(leaf, current);
    }
  });
  return pki;
}

async function allLeavesValid(leaves: Leaf[], ca: NodeX509): Promise<boolean> {
  for (const leaf of leaves) if (!(await leafValid(leaf, ca))) return false;
  return true;
}

async function loadCa(certPath: string, keyPath: string): Promise<LoadedCa | undefined> {
  const pems = await readPair(certPath, keyPath);
  if (!pems) return undefined;
  try {
    const nodeCert = new NodeX509(pems.cert);
    if (!nodeCert.ca || !nodeCert.checkPrivateKey(createPrivateKey(pems.key)) || !fresh(nodeCert)) return undefined;
    const key = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pems.key), EC_KEY, false, ['sign']);
    return { cert: new x509.X509Certificate(pems.cert), nodeCert, key };
  } catch {
    return undefined; // unreadable material is replaced, not repaired
  }
}

async function leafValid(leaf: Leaf, ca: NodeX509): Promise<boolean> {
  const pems = await readPair(leaf.certPath, leaf.keyPath);
  if (!pems) return false;
  try {
    const cert = new NodeX509(pems.cert);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey) && cert.checkPrivateKey(createPrivateKey(pems.key)) && fresh(cert);
  } catch {
    return false;
  }
}

function fresh(cert: NodeX509): boolean {
  return Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS;
}

async function readPair(certPath: string, keyPath: string): Promise<{ cert: string; key: string } | undefined> {
  try {
    return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

async function createCa(certPath: string, keyPath: string, commonName: string): Promise<LoadedCa> {
  const keys = await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: [commonName] }, { O: ['eConsulat sandbox'] }, { C: ['MA'] }],
    keys,
    signingAlgorithm: SIGNING,
    ...validity(3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, x509Crypto),
    ],
  }, x509Crypto);
  // Key first: a crash between the two renames leaves a pair that fails validation and is redone.
  await writeFileAtomic(keyPath, await exportKey(keys.privateKey), KEY_MODE);
  await writeFileAtomic(certPath, cert.toString('pem'), CERT_MODE);
  return { cert, nodeCert: new NodeX509(cert.toString('pem')), key: keys.privateKey };
}

async function createLeaf(leaf: Leaf, ca: LoadedCa): Promise<void> {
  const keys = await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const server = leaf.kind === 'server';
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, x509Crypto),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey, false, x509Crypto),
  ];
  if (server) {
    extensions.push(new x509.SubjectAlternativeNameExtension([
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
      { type: 'ip', value: '::1' },
    ]));
  }
  const cert = await x509.X509CertificateGenerator.create({
    subject: server ? 'CN=localhost, O=eConsulat sandbox' : `CN=${HUB_CLIENT_CN}, O=eConsulat`,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: SIGNING,
    ...validity(825),
    extensions,
  }, x509Crypto);
  await writeFileAtomic(leaf.keyPath, await exportKey(keys.privateKey), KEY_MODE);
  await writeFileAtomic(leaf.certPath, cert.toString('pem'), CERT_MODE);
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  // Back-dated a day so a peer whose clock runs a little behind still accepts the certificate.
  return { notBefore: new Date(now - DAY_MS), notAfter: new Date(now + days * DAY_MS) };
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}
