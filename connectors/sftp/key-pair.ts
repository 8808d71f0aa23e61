import { utils } from 'ssh2';

export interface SshKeyPair {
  /** The private half, in the OpenSSH key format ssh2 writes and reads. */
  private: string;
  /** One `authorized_keys` line: `ssh-ed25519 AAAA… comment`. */
  public: string;
}

/**
 * An ed25519 key pair in OpenSSH format that ssh2 itself can read back.
 *
 * Why not `utils.generateKeyPairSync` alone: ssh2 1.17 strips every leading zero byte of the public key,
 * so about one key in 256 comes out 31 bytes long and `parseKey` then rejects it as malformed
 * (mscdex/ssh2#1513, open). We draw again until both halves parse; the expected number of draws is 1.004.
 */
export function generateSshKeyPair(comment?: string): SshKeyPair {
  for (let attempt = 0; attempt < 64; attempt += 1) {
    const pair = utils.generateKeyPairSync('ed25519', comment === undefined ? undefined : { comment });
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error('could not generate a readable ed25519 key pair in 64 draws');
}
