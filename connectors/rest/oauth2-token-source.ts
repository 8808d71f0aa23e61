/**
 * OAuth2 client credentials (RFC 6749 §4.4) for the REST connector: one access token per connector,
 * fetched on first use, refreshed shortly before it expires and when the partner answers 401.
 * Concurrent sends share one token request. The client secret and the tokens never appear in a
 * message or a log line: failures name the token endpoint and the status only.
 */
import type https from 'node:https';
import { HubError } from '../../broker/errors';
import { failureForStatus } from './answer';
import type { RestOAuth2Config } from './config-schema';
import { exchange } from '../_kit/http-exchange';

export interface AccessToken {
  /** The bearer token. Secret: never log it. */
  value: string;
  /** Wall-clock time (ms) after which the token is no longer used. */
  refreshAt: number;
}

export interface TokenSourceDeps {
  partner: string;
  /** Origin and base path of the partner API, to resolve a token path against. */
  origin: URL;
  timeoutMs: number;
  maxResponseBytes: number;
  servername?: string;
  now: () => number;
  /** Called before each token request (the endpoint's rate limit counts it too). */
  beforeRequest?: () => Promise<void>;
}

/** Used when the token endpoint does not say how long a token lives (`expires_in` is only RECOMMENDED). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;
/** A token is printable ASCII without spaces (RFC 6750 b64token is stricter): nothing that could split a header. */
const TOKEN_SAFE = /^[\x21-\x7e]{1,4096}$/;

export class OAuth2TokenSource {
  private readonly tokenUrl: URL;
  private readonly label: string;
  private current?: AccessToken;
  private pending?: Promise<AccessToken>;
  /** Token requests made so far (for health and tests). */
  requests = 0;

  constructor(private readonly config: RestOAuth2Config, private readonly deps: TokenSourceDeps) {
    this.tokenUrl = new URL(config.tokenUrl, deps.origin);
    this.label = `${deps.partner} oauth2 token (POST ${this.tokenUrl.origin}${this.tokenUrl.pathname})`;
  }

  /** A valid token: the cached one, the one being fetched, or a new one. */
  async get(agent: https.Agent): Promise<AccessToken> {
    const cached = this.current;
    if (cached && this.deps.now() < cached.refreshAt) return cached;
    this.pending ??= this.fetch(agent).then(
      (token) => { this.current = token; this.pending = undefined; return token; },
      (error: unknown) => { this.pending = undefined; throw error; },
    );
    return this.pending;
  }

  /**
   * The partner refused `token` (401): forget it, unless a newer one already replaced it, so that
   * several sends refused at once lead to one token request, not one each.
   */
  invalidate(token: AccessToken): void {
    if (this.current === token) this.current = undefined;
  }

  clear(): void {
    this.current = undefined;
  }

  private async fetch(agent: https.Agent): Promise<AccessToken> {
    await this.deps.beforeRequest?.();
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.config.clientId, client_secret: this.config.clientSecret });
    if (this.config.scope !== undefined) form.set('scope', this.config.scope);
    this.requests += 1;
    const obtainedAt = this.deps.now();
    const raw = await exchange({
      agent,
      origin: new URL(this.tokenUrl.origin),
      method: 'POST',
      path: `${this.tokenUrl.pathname}${this.tokenUrl.search}`,
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'econsulat-hub' },
      body: form.toString(),
      servername: this.deps.servername,
      timeoutMs: this.deps.timeoutMs,
      maxResponseBytes: this.deps.maxResponseBytes,
      wantsBody: (status) => status === 200,
      label: this.label,
    });
    if (raw.status === 400 || raw.status === 401) {
      // invalid_client / invalid_grant: the credentials are wrong or revoked; an operator must act.
      throw new HubError('PARTNER_REJECTED', `${this.label}: client credentials refused (${raw.status})`, { extra: { status: raw.status } });
    }
    if (raw.status !== 200) throw failureForStatus(raw.status, raw.headers, this.label, this.deps.now());
    return this.parse(raw.body, obtainedAt);
  }

  private parse(body: Buffer, obtainedAt: number): AccessToken {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HubError('PARTNER_BAD_RESPONSE', `${this.label}: answer is not valid JSON`);
    }
    const answer = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const { access_token: value, expires_in: expiresIn, token_type: tokenType } = answer;
    if (typeof value !== 'string' || !TOKEN_SAFE.test(value)) throw new HubError('PARTNER_BAD_RESPONSE', `${this.label}: answer has no usable access_token`);
    if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
      throw new HubError('PARTNER_BAD_RESPONSE', `${this.label}: token_type is not Bearer`);
    }
    let lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS;
    if (expiresIn !== undefined) {
      if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) throw new HubError('PARTNER_BAD_RESPONSE', `${this.label}: expires_in is not a positive number`);
      lifetimeSeconds = expiresIn;
    }
    // Refresh ahead of expiry, but never spend more than half a short-lived token's life waiting.
    const marginMs = Math.min(this.config.refreshBeforeExpirySeconds * 1000, (lifetimeSeconds * 1000) / 2);
    return { value, refreshAt: obtainedAt + lifetimeSeconds * 1000 - marginMs };
  }
}
