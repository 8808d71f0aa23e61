import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSandboxPki } from '../../sandbox/pki';
import { runConnectorContractSuite } from '../_kit/contract-suite';
import { validateConnectorConfig } from '../_kit/contract';
import { restConfigSchema, RestConnector, type RestConnectorConfig } from './index';
import { startHttpsTestPeer } from './testing/https-test-peer';

const MAX_RESPONSE_BYTES = 64 * 1024;

runConnectorContractSuite('rest', async () => {
  const pki = await ensureSandboxPki(mkdtempSync(join(tmpdir(), 'rest-contract-pki-')));
  const peer = await startHttpsTestPeer({ pki, oversizedBytes: MAX_RESPONSE_BYTES * 2 });
  const config = validateConnectorConfig<RestConnectorConfig>(restConfigSchema, {
    baseUrl: peer.url,
    tls: { caPath: pki.caCertPath, certPath: pki.clientCertPath, keyPath: pki.clientKeyPath },
    timeoutMs: 500,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    operations: { 'record.get': { method: 'GET', path: '/records/{id}', query: { owner: 'owner.cnie' }, answers: [200] } },
  }, 'partners.peer.rest');
  return {
    createConnector: () => new RestConnector(config, { partner: 'peer' }),
    message: () => ({
      messageId: randomUUID(),
      caseReference: 'LIC-2026-000001',
      partner: 'peer',
      operation: 'record.get',
      payload: { id: '12/345678', owner: { cnie: 'BK123456' } },
    }),
    holdNextAnswer: async () => peer.next('hold'),
    oversizeNextAnswer: async () => peer.next('oversized'),
    close: () => peer.close(),
  };
});
