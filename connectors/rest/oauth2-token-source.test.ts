/**
 * The token cache on its own, against the HTTPS test peer playing a token endpoint (the DGSN binding's
 * tests cover it end to end against the DGSN sandbox): answers the sandbox does not give, and the
 * ordering cases that concurrency alone would not reach deterministically.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHubError } from '../../broker/errors';
import { ensureSandboxPki, type SandboxPki } from '../../sandbox/pki';
import { OAuth2TokenSource } from './oauth2-token-source';
import { startHttpsTestPeer, type HttpsTestPeer, type PeerAnswer } from './testing/https-test-peer';

let pki: SandboxPki;
let peer: HttpsTestPeer;
let agent: https.Agent;
let issued = 0;
let nextAnswer: PeerAnswer | undefined;
let clock = 1_000_000;

beforeAll(async () => {
  pki = await ensureSandboxPki(mkdtempSync(join(tmpdir(), 'oauth2-pki-')));
  peer = await startHttpsTestPeer({
    pki,
    oversizedBytes: 4096,
    answer: () => {
      if (nextAnswer) { const planned = nextAnswer; nextAnswer = undefined; return planned; }
      issued += 1;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: `token-${issued}`, token_type: 'bearer', expires_in: 300 }) };
    },
  });
  agent = new https.Agent({ ca: readFileSync(pki.caCertPath), cert: readFileSync(pki.clientCertPath), key: readFileSync(pki.clientKeyPath) });
});
afterAll(async () => { agent.destroy(); await peer.close(); });
beforeEach(() => { issued = 0; nextAnswer = undefined; clock = 1_000_000; peer.received.splice(0); });

function source(scope?: string): OAuth2TokenSource {
  return new OAuth2TokenSource(
    { tokenUrl: '/oauth/token', clientId: 'hub', clientSecret: 's3cret-value', scope, refreshBeforeExpirySeconds: 30 },
    { partner: 'peer', origin: new URL(`${peer.url}/api`), timeoutMs: 2000, maxResponseBytes: 1024, now: () => clock },
  );
}

describe('OAuth2TokenSource', () => {
  it('posts the client-credentials form to the token path on the API origin', async () => {
    await source('identity').get(agent);
    const [seen] = peer.received;
    expect([seen.method, seen.url, seen.headers['content-type']]).toEqual(['POST', '/oauth/token', 'application/x-www-form-urlencoded']);
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({ grant_type: 'client_credentials', client_id: 'hub', client_secret: 's3cret-value', scope: 'identity' });
  });

  it('a late 401 for an old token does not throw away the newer one', async () => {
    const tokens = source();
    const first = await tokens.get(agent);
    tokens.invalidate(first);
    const second = await tokens.get(agent);
    expect([first.value, second.value]).toEqual(['token-1', 'token-2']);
    tokens.invalidate(first); // another send's 401, answered for the old token after the refresh
    expect((await tokens.get(agent)).value).toBe('token-2');
    expect(issued).toBe(2);
  });

  it('refreshes inside the margin, and at half-life for a token shorter-lived than twice the margin', async () => {
    const tokens = source();
    await tokens.get(agent);
    clock += 269_000;
    expect((await tokens.get(agent)).value).toBe('token-1');
    clock += 1_000;
    expect((await tokens.get(agent)).value).toBe('token-2');
    nextAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token":"short","expires_in":20}' };
    tokens.clear();
    await tokens.get(agent);
    clock += 10_000;
    expect((await tokens.get(agent)).value).toBe('token-3');
  });

  it.each([
    ['no access_token', '{"expires_in":300}'],
    ['a token with a space (could split a header)', '{"access_token":"a b","expires_in":300}'],
    ['another token type', '{"access_token":"abc","token_type":"mac","expires_in":300}'],
    ['a negative lifetime', '{"access_token":"abc","expires_in":-5}'],
    ['broken JSON', '{"access_token":'],
  ])('refuses an answer with %s as PARTNER_BAD_RESPONSE', async (_what, body) => {
    nextAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body };
    const failure = await source().get(agent).catch((error: unknown) => error);
    expect(isHubError(failure) && failure.code).toBe('PARTNER_BAD_RESPONSE');
    expect((failure as Error).message).not.toContain('abc');
  });

  it('a failed token request is not cached: the next call asks again', async () => {
    const tokens = source();
    nextAnswer = { status: 500, body: '' };
    const failure = await tokens.get(agent).catch((error: unknown) => error);
    expect(isHubError(failure) && failure.code).toBe('PARTNER_UNAVAILABLE');
    expect((await tokens.get(agent)).value).toBe('token-1');
  });
});
