import { SignJWT } from 'jose';
import { HubError } from '../broker/errors';
import { createPortalAuth, issueToken, type PortalAuth } from './auth';
import { generateTestKeys, rawToken, startTestPortal, type TestPortal } from './test-kit';
import type { SigningKeys } from './keys';

const now = () => Math.floor(Date.now() / 1000);

async function reasonOf(auth: PortalAuth, token: string): Promise<string> {
  try {
    await auth.verify(token);
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('UNAUTHENTICATED');
    return (err as HubError).message;
  }
  throw new Error('the token was accepted');
}

describe('createPortalAuth / issueToken', () => {
  let keys: SigningKeys;
  let auth: PortalAuth;
  beforeAll(async () => {
    keys = await generateTestKeys();
    auth = createPortalAuth({ publicKeyPem: keys.publicKeyPem });
  });

  it('verifies what issueToken signs', async () => {
    expect(auth.issuer).toBe('econsulat-hub');
    expect(auth.audience).toBe('econsulat-portal');
    const token = await issueToken({ privateKeyPem: keys.privateKeyPem, sub: 'u-1', role: 'supervisor', post: 'CG-DUBAI', ttlSeconds: 60 });
    await expect(auth.verify(token)).resolves.toEqual({ sub: 'u-1', role: 'supervisor', post: 'CG-DUBAI' });
    const engineer = await issueToken({ privateKeyPem: keys.privateKeyPem, sub: 'e-1', role: 'engineer' });
    await expect(auth.verify(engineer)).resolves.toEqual({ sub: 'e-1', role: 'engineer' });
  });

  it('refuses a token it verified before once the token has expired (the verified-token cache honours exp)', async () => {
    const token = await issueToken({ privateKeyPem: keys.privateKeyPem, sub: 'u-2', role: 'citizen', ttlSeconds: 1 });
    await expect(auth.verify(token)).resolves.toEqual({ sub: 'u-2', role: 'citizen' });
    jest.useFakeTimers({ now: Date.now() + 60_000, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
    try {
      await expect(auth.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'The token has expired' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses to issue tokens the portal would refuse', async () => {
    await expect(issueToken({ privateKeyPem: keys.privateKeyPem, sub: 'a', role: 'agent' })).rejects.toThrow(/post/);
    await expect(issueToken({ privateKeyPem: keys.privateKeyPem, sub: 'a', role: 'citizen', ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
  });

  it('says why a token is refused, without echoing it', async () => {
    const expired = await rawToken(keys.privateKeyPem, { sub: 'u', role: 'citizen' }, { expiresAt: now() - 3600 });
    expect(await reasonOf(auth, expired)).toBe('The token has expired');

    const other = await generateTestKeys();
    const forged = await rawToken(other.privateKeyPem, { sub: 'u', role: 'citizen' });
    expect(await reasonOf(auth, forged)).toBe('The token signature does not verify');

    const wrongAudience = await rawToken(keys.privateKeyPem, { sub: 'u', role: 'citizen' }, { audience: 'somebody-else' });
    expect(await reasonOf(auth, wrongAudience)).toBe('The token\'s "aud" claim is not accepted');

    const noPost = await rawToken(keys.privateKeyPem, { sub: 'u', role: 'agent' });
    expect(await reasonOf(auth, noPost)).toBe('A token with role "agent" needs a valid "post" claim');

    const badRole = await rawToken(keys.privateKeyPem, { sub: 'u', role: 'admin' });
    expect(await reasonOf(auth, badRole)).toBe('The token has no valid "role" claim');

    expect(await reasonOf(auth, 'not.a.jwt')).toBe('The token is malformed');
    for (const token of [expired, forged, wrongAudience, noPost]) expect(await reasonOf(auth, token)).not.toContain(token);
  });

  it('refuses an HS256 token even if signed with the public key as a secret (algorithm confusion)', async () => {
    const token = await new SignJWT({ sub: 'u', role: 'engineer' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('econsulat-hub')
      .setAudience('econsulat-portal').setExpirationTime(now() + 60).sign(new TextEncoder().encode(keys.publicKeyPem));
    expect(await reasonOf(auth, token)).toMatch(/ES256|malformed/);
  });

  it('fails at start on a key that is not EC P-256', () => {
    expect(() => createPortalAuth({ publicKeyPem: 'nope' })).toThrow(HubError);
  });
});

describe('the portal enforces authentication and the role table', () => {
  let portal: TestPortal;
  beforeAll(async () => { portal = await startTestPortal(); });
  afterAll(async () => portal.close());
  beforeEach(() => portal.hub.reset());

  const list = (authorization?: string) =>
    portal.app.inject({ method: 'GET', url: '/api/v1/requests', headers: authorization === undefined ? {} : { authorization } });

  it('401 without a token, with WWW-Authenticate', async () => {
    const res = await list();
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="econsulat-portal"');
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('401 for an expired, a forged, a wrong-audience token and an agent token without post; no service is called', async () => {
    const other = await generateTestKeys();
    const tokens = [
      await rawToken(portal.keys.privateKeyPem, { sub: 'a', role: 'agent', post: 'CG-PARIS' }, { expiresAt: now() - 3600 }),
      await rawToken(other.privateKeyPem, { sub: 'a', role: 'agent', post: 'CG-PARIS' }),
      await rawToken(portal.keys.privateKeyPem, { sub: 'a', role: 'agent', post: 'CG-PARIS' }, { audience: 'x' }),
      await rawToken(portal.keys.privateKeyPem, { sub: 'a', role: 'agent' }),
    ];
    for (const token of tokens) {
      const res = await list(`Bearer ${token}`);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(res.json().code).toBe('UNAUTHENTICATED');
      expect(res.body).not.toContain(token);
    }
    expect(portal.hub.calls).toHaveLength(0);
  });

  it('401 for another scheme', async () => {
    expect((await list('Basic dXNlcjpwYXNz')).statusCode).toBe(401);
  });

  it('403 for a citizen on an agent route, and an engineer on citizen routes', async () => {
    const res = await list(await portal.bearer('citizen'));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN', type: 'https://econsulat.example/problems/forbidden' });
    const engineer = await portal.bearer('engineer');
    expect((await portal.app.inject({ method: 'GET', url: '/api/v1/requests/r-1', headers: { authorization: engineer } })).statusCode).toBe(403);
    expect(portal.hub.calls).toHaveLength(0);
  });

  it('checks the token before reading the body', async () => {
    const res = await portal.app.inject({ method: 'POST', url: '/api/v1/requests', headers: { 'content-type': 'application/json' }, payload: '{broken' });
    expect(res.statusCode).toBe(401);
  });

  it('needs no token for the catalogue, and then passes auth: null', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/services' });
    expect(res.statusCode).toBe(200);
    expect(portal.hub.callsOf('catalogue.list')[0].meta.auth).toBeNull();
  });
});
