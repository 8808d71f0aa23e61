import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHubError } from '../../broker/errors';
import { restConnectorFactory } from '../rest';
import { closeAll, createConnectors } from '../registry';
import { loadPartnerBindings, parsePartnerBinding, resolvePartnerConfig } from './bindings';

function configError(run: () => unknown): string {
  try { run(); } catch (error) { if (isHubError(error) && error.code === 'CONFIG_INVALID') return error.message; throw error; }
  throw new Error('expected CONFIG_INVALID');
}

describe('partner bindings', () => {
  it('loads the NARSA binding as data: REST, licence.verify, its request and answer mappings', async () => {
    const narsa = (await loadPartnerBindings()).get('narsa');
    expect(narsa?.protocol).toBe('rest');
    expect(narsa?.mappings).toEqual({ 'licence.verify': { request: 'narsa/licence-check.out', answer: 'narsa/licence-check.in' } });
    expect(narsa?.connector.operations).toEqual({
      'licence.verify': {
        method: 'GET',
        path: '/narsa/v1/permis/{licenceNumber}',
        // The keys of the request mapping's output (narsa/licence-check.out), not of the outbox payload.
        query: { cnie: 'cnie', dateNaissance: 'birthDate' },
        answers: [200, 404, 409],
      },
    });
    // `$comment` notes are dropped: the REST schema knows no such setting.
    expect(narsa?.connector.rateLimit).toEqual({ perSecond: 9, burst: 1 });
  });

  it('becomes a valid REST connector once the hub configuration supplies baseUrl and tls', async () => {
    const narsa = (await loadPartnerBindings()).get('narsa');
    if (!narsa) throw new Error('no narsa binding');
    const hubSettings = { baseUrl: 'https://narsa.example', tls: { caPath: '/etc/hub/narsa-ca.pem', certPath: '/etc/hub/narsa.crt', keyPath: '/etc/hub/narsa.key' }, timeoutMs: 3000 };
    const config = resolvePartnerConfig(narsa, hubSettings);
    expect(config).toMatchObject({ protocol: 'rest', baseUrl: 'https://narsa.example', timeoutMs: 3000, rateLimit: { perSecond: 9, burst: 1 } });
    const connectors = createConnectors({ narsa: config }, [restConnectorFactory]);
    expect(connectors.get('narsa')?.partner).toBe('narsa');
    await closeAll(connectors);
  });

  it('without the hub settings the merged config names what is missing', async () => {
    const narsa = (await loadPartnerBindings()).get('narsa');
    if (!narsa) throw new Error('no narsa binding');
    expect(configError(() => createConnectors({ narsa: resolvePartnerConfig(narsa, undefined) }, [restConnectorFactory])))
      .toBe('partners.narsa.rest.baseUrl: is required');
  });

  it('refuses deployment facts in a binding', () => {
    const raw = { partner: 'x', protocol: 'rest', description: 'X', connector: { baseUrl: 'https://x', operations: {} } };
    expect(configError(() => parsePartnerBinding(raw, 'x/binding.json'))).toContain('baseUrl belong in the hub configuration (partners.x.rest)');
  });

  it('refuses a mapping for an operation the connector does not have', () => {
    const raw = { partner: 'x', protocol: 'rest', description: 'X', connector: { operations: { a: {} } }, mappings: { b: { answer: 'x/b.in' } } };
    expect(configError(() => parsePartnerBinding(raw, 'x/binding.json'))).toBe('x/binding.json.mappings: b not among the connector\'s operations');
  });

  it('refuses a binding whose folder and partner disagree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bindings-'));
    mkdirSync(join(dir, 'dgsn'));
    writeFileSync(join(dir, 'dgsn', 'binding.json'), JSON.stringify({ partner: 'narsa', protocol: 'rest', description: 'D', connector: {} }));
    await expect(loadPartnerBindings(dir)).rejects.toThrow('connectors/partners/dgsn/binding.json.partner: is "narsa", the folder says "dgsn"');
  });
});
