import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { errors as joseErrors, importPKCS8, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { HubError } from '../broker/errors';
import { POST_CODE_PATTERN } from './schemas';

export { loadOrCreateSigningKeys, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, type SigningKeys } from './keys';

export const ROLES = ['citizen', 'agent', 'supervisor', 'engineer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose tokens must name a consular post: what they may see is scoped by it. */
export const ROLES_WITH_POST: readonly Role[] = ['agent', 'supervisor'];

export const TOKEN_ISSUER = 'econsulat-hub';
export const TOKEN_AUDIENCE = 'econsulat-portal';
const ALGORITHM = 'ES256';
const DEFAULT_TTL_SECONDS = 3600;
/** Tolerated clock difference between the node that signed a token and the one checking it. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** Who is calling, as passed to the services in `meta.auth`. */
export interface AuthContext {
  sub: string;
  role: Role;
  /** Present for agents and supervisors only. */
  post?: string;
}

export interface PortalAuth {
  /** Resolves the caller of a bearer token, or rejects with `HubError('UNAUTHENTICATED')` saying why. */
  verify(token: string): Promise<AuthContext>;
  readonly issuer: string;
  readonly audience: string;
}

export interface PortalAuthOptions {
  publicKeyPem: string;
  issuer?: string;
  audience?: string;
}

export interface IssueTokenOptions {
  privateKeyPem: string;
  sub: string;
  role: Role;
  post?: string;
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const postPattern = new RegExp(POST_CODE_PATTERN);

function unauthenticated(reason: string): HubError {
  return new HubError('UNAUTHENTICATED', reason);
}

/** A reason a client can act on, built from jose's error code only: jose's messages are not ours to promise safe. */
function reasonFor(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `The token's "${err.claim}" claim is not accepted`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature does not verify';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return `The token must be signed with ${ALGORITHM}`;
  return 'The token is malformed';
}

/** The claims this hub relies on, checked beyond what jose checks (signature, iss, aud, exp). */
function contextOf(payload: JWTPayload): AuthContext {
  const { sub, role, post } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) throw unauthenticated('The token has no valid "sub" claim');
  if (!isRole(role)) throw unauthenticated('The token has no valid "role" claim');
  if (!ROLES_WITH_POST.includes(role)) return { sub, role };
  if (typeof post !== 'string' || !postPattern.test(post)) throw unauthenticated(`A token with role "${role}" needs a valid "post" claim`);
  return { sub, role, post };
}

function importEs256PublicKey(publicKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch (cause) {
    throw new HubError('CONFIG_INVALID', 'The JWT public key is not a PEM public key', { cause });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new HubError('CONFIG_INVALID', 'The JWT public key must be an EC P-256 key (ES256)');
  }
  return key;
}

/** Token verification for the portal. The key is imported once, here, so a bad key fails at start, not per request. */
export function createPortalAuth(opts: PortalAuthOptions): PortalAuth {
  const key = importEs256PublicKey(opts.publicKeyPem);
  const issuer = opts.issuer ?? TOKEN_ISSUER;
  const audience = opts.audience ?? TOKEN_AUDIENCE;
  const verified = new VerifiedTokenCache(VERIFIED_CACHE_SIZE);
  return {
    issuer,
    audience,
    async verify(token: string): Promise<AuthContext> {
      const cached = verified.get(token, Date.now() / 1000);
      if (cached) return cached;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          issuer, audience, algorithms: [ALGORITHM], requiredClaims: ['exp', 'sub'], clockTolerance: CLOCK_TOLERANCE_SECONDS,
        }));
      } catch (err) {
        throw unauthenticated(reasonFor(err));
      }
      const context = contextOf(payload);
      verified.set(token, context, Number(payload.exp));
      return context;
    },
  };
}

const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Tokens already verified, until their `exp`: a front end sends the same token with every call, and an ECDSA
 * verification costs more than the rest of a small request. Only the exact same token string hits; bounded size
 * (oldest entry out first).
 */
class VerifiedTokenCache {
  private readonly entries = new Map<string, { context: AuthContext; exp: number }>();
  constructor(private readonly max: number) {}

  get(token: string, nowSeconds: number): AuthContext | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.exp + CLOCK_TOLERANCE_SECONDS <= nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.context;
  }

  set(token: string, context: AuthContext, exp: number): void {
    if (!Number.isFinite(exp)) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { context, exp });
  }
}

/** Signs a token (the `hub token` CLI, tests). Refuses tokens the portal would refuse, so mistakes show at once. */
export async function issueToken(opts: IssueTokenOptions): Promise<string> {
  const ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new HubError('VALIDATION_FAILED', 'ttlSeconds must be a positive integer');
  if (!isRole(opts.role)) throw new HubError('VALIDATION_FAILED', `role must be one of ${ROLES.join(', ')}`);
  if (opts.sub.length === 0 || opts.sub.length > 200) throw new HubError('VALIDATION_FAILED', 'sub must be 1–200 characters');
  const needsPost = ROLES_WITH_POST.includes(opts.role);
  if (needsPost && (opts.post === undefined || !postPattern.test(opts.post))) {
    throw new HubError('VALIDATION_FAILED', `a ${opts.role} token needs a post code such as CG-PARIS`);
  }
  const key = await importPKCS8(opts.privateKeyPem, ALGORITHM);
  const claims: JWTPayload = needsPost ? { role: opts.role, post: opts.post } : { role: opts.role };
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(opts.sub)
    .setIssuer(opts.issuer ?? TOKEN_ISSUER)
    .setAudience(opts.audience ?? TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID())
    .sign(key);
}
