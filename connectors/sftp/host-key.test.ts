import { hostKeyCheck, publicKeyBlob, sha256Fingerprint } from './host-key';
import { generateSshKeyPair } from './key-pair';

const server = generateSshKeyPair();
const other = generateSshKeyPair();
const blob = publicKeyBlob(server.public);
const otherBlob = publicKeyBlob(other.public);

describe('host key pin', () => {
  it('accepts the pinned key by fingerprint, by key line, or by both', () => {
    expect(hostKeyCheck({ sha256: sha256Fingerprint(blob) }).verify(blob)).toBe(true);
    expect(hostKeyCheck({ publicKey: server.public }).verify(blob)).toBe(true);
    expect(hostKeyCheck({ sha256: sha256Fingerprint(blob), publicKey: server.public }).verify(blob)).toBe(true);
  });

  it('refuses any other key, and a pin whose two halves disagree', () => {
    expect(hostKeyCheck({ sha256: sha256Fingerprint(blob) }).verify(otherBlob)).toBe(false);
    expect(hostKeyCheck({ publicKey: server.public }).verify(otherBlob)).toBe(false);
    expect(hostKeyCheck({ sha256: sha256Fingerprint(otherBlob), publicKey: server.public }).verify(blob)).toBe(false);
  });

  it('writes fingerprints as OpenSSH does: SHA256: and unpadded base64', () => {
    expect(sha256Fingerprint(blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(hostKeyCheck({ publicKey: server.public }).describePin()).toBe(sha256Fingerprint(blob));
  });
});
