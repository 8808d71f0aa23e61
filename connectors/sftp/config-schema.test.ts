import { isHubError, type HubError } from '../../broker/errors';
import { validateConnectorConfig } from '../_kit/contract';
import { sftpConfigSchema, type SftpConnectorConfig } from './config-schema';
import { sftpConnectorFactory } from './index';

const WHERE = 'partners.narsa.sftp';
const base = {
  host: 'sftp.narsa.example',
  username: 'econsulat',
  privateKeyPath: '/etc/hub/keys/narsa_ed25519',
  hostKey: { sha256: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' },
};

function refusal(config: unknown): HubError {
  try {
    validateConnectorConfig(sftpConfigSchema, config, WHERE);
  } catch (error) {
    if (isHubError(error)) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('SFTP connector config', () => {
  it('applies the defaults', () => {
    const config = validateConnectorConfig<SftpConnectorConfig>(sftpConfigSchema, {
      ...base,
      operations: { 'licence.bulk-verify': { directory: '/depot', fileNamePattern: 'VERIF_.*\\.xml' } },
      inbound: { results: { directory: '/retour', fileNamePattern: 'RESULT_.*\\.xml', completion: 'sha256-companion' } },
    }, WHERE);
    expect(config).toMatchObject({
      port: 22, timeoutMs: 15000, connectTimeoutMs: 20000, breaker: { failureThreshold: 5, resetTimeoutMs: 30000 },
      operations: { 'licence.bulk-verify': { fileNameField: 'fileName', contentField: 'content', checksumFile: true } },
      inbound: { results: { markerSuffix: '.pret' } },
    });
    expect(sftpConnectorFactory.protocol).toBe('sftp');
  });

  it('requires a host key pin, naming the field', () => {
    const { hostKey: _hostKey, ...withoutPin } = base;
    expect(refusal(withoutPin).message).toBe(`${WHERE}.hostKey: is required`);
    expect(refusal({ ...base, hostKey: {} }).message).toContain(`${WHERE}.hostKey:`);
    expect(refusal({ ...base, hostKey: { sha256: 'MD5:aa:bb' } }).message).toContain(`${WHERE}.hostKey.sha256:`);
  });

  it('refuses relative directories and unknown completion rules, and never echoes a secret', () => {
    const error = refusal({
      ...base, passphrase: 'hunter2-secret', port: 0,
      operations: { up: { directory: 'depot', fileNamePattern: 'x' } },
      inbound: { results: { directory: '/retour', fileNamePattern: 'x', completion: 'when-ready' } },
    });
    expect(error.errors?.map((e) => e.path)).toEqual(expect.arrayContaining([
      `${WHERE}.port`, `${WHERE}.operations.up.directory`, `${WHERE}.inbound.results.completion`,
    ]));
    expect(error.message).not.toContain('hunter2');
  });
});
