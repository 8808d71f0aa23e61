/**
 * DGSN's OAuth2 client-credentials grant: `POST /dgsn/oauth/token` with a form body → an opaque
 * bearer token that expires (300 s by default). Tokens live in memory; a restart forgets them, as
 * an expiry would.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenIssuerOptions {
  clientId: string;
  clientSecret: string;
  lifetimeSeconds: number;
  now: () => number;
}

export type TokenCheck = 'valid' | 'missing' | 'invalid';

export class TokenIssuer {
  private readonly tokens = new Map<string, number>();
  /** Tokens issued since the last reset. */
  issued = 0;

  constructor(private readonly options: TokenIssuerOptions) {}

  /** Compares digests in constant time: the lengths of the secrets leak nothing either. */
  checkClient(clientId: string | null, clientSecret: string | null): boolean {
    if (clientId === null || clientSecret === null) return false;
    return sameDigest(clientId, this.options.clientId) && sameDigest(clientSecret, this.options.clientSecret);
  }

  issue(): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    this.purge();
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.options.now() + this.options.lifetimeSeconds * 1000);
    this.issued += 1;
    return { access_token: token, token_type: 'Bearer', expires_in: this.options.lifetimeSeconds };
  }

  /** `Authorization: Bearer <token>` → whether the token is one of ours and not expired. */
  check(authorization: string | null): { status: TokenCheck; token?: string } {
    if (authorization === null) return { status: 'missing' };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) return { status: 'missing' };
    const expiresAt = this.tokens.get(match[1]);
    if (expiresAt === undefined || expiresAt <= this.options.now()) return { status: 'invalid', token: match[1] };
    return { status: 'valid', token: match[1] };
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  reset(): void {
    this.tokens.clear();
    this.issued = 0;
  }

  private purge(): void {
    const now = this.options.now();
    for (const [token, expiresAt] of this.tokens) if (expiresAt <= now) this.tokens.delete(token);
  }
}

function sameDigest(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
