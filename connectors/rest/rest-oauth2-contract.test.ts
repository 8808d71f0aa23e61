/**
 * The shared contract suite once more, with OAuth2 client credentials on: every call first needs a
 * token from the peer's token endpoint, and the peer refuses calls without it. A fresh connector's
 * first request is its token request, so the suite's held and oversized answers land on it: the token
 * exchange is bound by the same timeout and size limit as a call.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSandboxPki } from '../../sandbox/pki';
import { runConnectorContractSuite } from '../_kit/contract-suite';
import { validateConnectorConfig } from '../_kit/contract';
import { restConfigSchema, RestConnector, type RestConnectorConfig } from './index';
import { startHttpsTestPeer, type PeerRequest } from './testing/https-test-peer';

const MAX_RESPONSE_BYTES = 64 * 1024;
const json = (status: number, value: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

function tokenOrRecord(request: PeerRequest) {
  if (request.url === '/oauth/token') {
    const form = new URLSearchParams(request.body);
    if (form.get('client_secret') !== 'contract-secret') return json(401, { error: 'invalid_client' });
    return json(200, { access_token: 'contract-token', token_type: 'Bearer', expires_in: 300 });
  }
  if (request.headers.authorization !== 'Bearer contract-token') return json(401, { title: 'Unauthorized' });
  return json(200, { ok: true });
}

runConnectorContractSuite('rest with oauth2', async () => {
  const pki = await ensureSandboxPki(mkdtempSync(join(tmpdir(), 'rest-oauth2-contract-pki-')));
  const peer = await startHttpsTestPeer({ pki, oversizedBytes: MAX_RESPONSE_BYTES * 2, answer: tokenOrRecord });
  const config = validateConnectorConfig<RestConnectorConfig>(restConfigSchema, {
    baseUrl: peer.url,
    tls: { caPath: pki.caCertPath, certPath: pki.clientCertPath, keyPath: pki.clientKeyPath },
    oauth2: { tokenUrl: '/oauth/token', clientId: 'hub', clientSecret: 'contract-secret' },
    timeoutMs: 500,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    operations: { 'record.get': { method: 'GET', path: '/records/{id}', query: { owner: 'owner.cnie' }, answers: [200] } },
  }, 'partners.peer.rest');
  return {
    createConnector: () => new RestConnector(config, { partner: 'peer' }),
    message: () => ({ messageId: randomUUID(), caseReference: 'REG-2026-000001', partner: 'peer', operation: 'record.get', payload: { id: 'R-1', owner: { cnie: 'BK123456' } } }),
    holdNextAnswer: async () => peer.next('hold'),
    oversizeNextAnswer: async () => peer.next('oversized'),
    close: () => peer.close(),
  };
});
