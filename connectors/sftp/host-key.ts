/**
 * Host key pinning: the partner's server must present exactly the key the configuration names.
 * Trust-on-first-use is not offered: an unknown key and a changed key are the same refusal.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SftpHostKeyPin } from './config-schema';

/** OpenSSH's fingerprint of a raw public key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key blob of an OpenSSH public key line (`type base64 [comment]`). */
export function publicKeyBlob(line: string): Buffer {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2) throw new Error('not an OpenSSH public key line');
  return Buffer.from(parts[1], 'base64');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface HostKeyCheck {
  /** For ssh2's `hostVerifier`: true only for the pinned key. */
  verify(keyBlob: Buffer): boolean;
  /** The pinned fingerprint, for the error message (fingerprints are public). */
  describePin(): string;
}

export function hostKeyCheck(pin: SftpHostKeyPin): HostKeyCheck {
  const expectedBlob = pin.publicKey === undefined ? undefined : publicKeyBlob(pin.publicKey);
  const expectedFingerprint = pin.sha256?.replace(/=+$/, '');
  return {
    verify(keyBlob) {
      const fingerprintOk = expectedFingerprint === undefined || sha256Fingerprint(keyBlob) === expectedFingerprint;
      const keyOk = expectedBlob === undefined || sameBytes(expectedBlob, keyBlob);
      return fingerprintOk && keyOk;
    },
    describePin: () => expectedFingerprint ?? (expectedBlob ? sha256Fingerprint(expectedBlob) : 'none'),
  };
}
