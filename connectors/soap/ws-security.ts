/**
 * WS-Security UsernameToken profile 1.0 with PasswordDigest:
 * digest = Base64(SHA-1(nonce bytes + Created + password)). Used by the client (to sign a request)
 * and by the callback server (to check one: digest, freshness of Created, nonce never seen twice).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { child, escapeXml, text, type XmlValue } from './xml';

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
export const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export interface Credentials {
  username: string;
  password: string;
}

export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')])).digest('base64');
}

/** The `wsse:Security` header block for one request: a fresh nonce and Created each time. */
export function usernameTokenHeader(credentials: Credentials, now: Date = new Date()): string {
  const nonce = randomBytes(16);
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<wsse:Security xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}" soap:mustUnderstand="1">`
    + '<wsse:UsernameToken>'
    + `<wsse:Username>${escapeXml(credentials.username)}</wsse:Username>`
    + `<wsse:Password Type="${PASSWORD_DIGEST}">${passwordDigest(nonce, created, credentials.password)}</wsse:Password>`
    + `<wsse:Nonce EncodingType="${BASE64_BINARY}">${nonce.toString('base64')}</wsse:Nonce>`
    + `<wsu:Created>${created}</wsu:Created>`
    + '</wsse:UsernameToken></wsse:Security>';
}

export interface TokenCheckOptions {
  credentials: Credentials;
  /** How far Created may be from now, either way, in ms. */
  windowMs: number;
  now: number;
  /** Nonces already used within the window. */
  nonces: NonceCache;
}

/** Remembers nonces for as long as a token carrying them would be accepted. */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  /** False if the nonce was seen before (a replay); otherwise remembers it until `expiresAt`. */
  claim(nonce: string, expiresAt: number, now: number): boolean {
    // Expiries are not in insertion order (Created varies within the window): sweep them all.
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, expiresAt);
    return true;
  }
}

/** Checks a `wsse:Security` block. Returns null when it is good, or the reason (no secret, no value in it). */
export function checkUsernameToken(security: XmlValue | undefined, options: TokenCheckOptions): string | null {
  const token = child(security, 'UsernameToken');
  if (token === undefined) return 'no WS-Security UsernameToken';
  const username = text(child(token, 'Username'));
  const passwordNode = child(token, 'Password');
  const password = text(passwordNode);
  const type = typeof passwordNode === 'object' && !Array.isArray(passwordNode) ? passwordNode['@_Type'] : undefined;
  const nonce = text(child(token, 'Nonce'));
  const created = text(child(token, 'Created'));
  if (!username || !password || !nonce || !created) return 'UsernameToken needs Username, Password, Nonce and Created';
  if (type !== PASSWORD_DIGEST) return 'the password must be a PasswordDigest';
  const createdAt = Date.parse(created);
  // xsd:dateTime with a time zone: `…Z` or `…+00:00` (zeep sends the latter); a local time is ambiguous.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(created) || Number.isNaN(createdAt)) return 'Created must be a date-time with a time zone';
  if (Math.abs(options.now - createdAt) > options.windowMs) return 'Created is outside the accepted window';
  const nonceBytes = Buffer.from(nonce, 'base64');
  const expected = Buffer.from(passwordDigest(nonceBytes, created, options.credentials.password), 'utf8');
  const given = Buffer.from(password, 'utf8');
  const userOk = safeEqual(Buffer.from(username, 'utf8'), Buffer.from(options.credentials.username, 'utf8'));
  const digestOk = expected.length === given.length && timingSafeEqual(expected, given);
  if (!userOk || !digestOk) return 'unknown user or wrong password digest';
  // Checked last, so a forged token cannot burn a legitimate nonce.
  if (!options.nonces.claim(nonce, createdAt + options.windowMs, options.now)) return 'nonce already used (replay)';
  return null;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
