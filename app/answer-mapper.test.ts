import { isHubError } from '../broker/errors';
import type { PartnerBinding } from '../connectors/partners/bindings';
import { createPartnerMappings } from './answer-mapper';
import { loadMappingSet } from './mapping-files';

const binding = (mappings: PartnerBinding['mappings']): PartnerBinding => ({ partner: 'narsa', protocol: 'rest', description: 'N', connector: {}, mappings });

async function startError(mappings: PartnerBinding['mappings']): Promise<string> {
  try {
    await createPartnerMappings([binding(mappings)], await loadMappingSet());
  } catch (error) {
    if (isHubError(error) && error.code === 'CONFIG_INVALID') return error.message;
    throw error;
  }
  throw new Error('expected the start to fail');
}

/** At start, every mapping a binding names must exist and go the right way; at run, each operation gets its own. */
describe('partner mappings named by the bindings', () => {
  it('maps a request with the binding\'s request mapping, and sends other operations as they are', async () => {
    const { requests } = await createPartnerMappings([binding({ 'licence.verify': { request: 'narsa/licence-check.out', answer: 'narsa/licence-check.in' } })], await loadMappingSet());
    const mapping = requests.mappingFor('narsa', 'licence.verify');
    expect(mapping?.id).toBe('narsa/licence-check.out');
    expect(mapping?.map({ licenceNumber: '12/345678', holder: { cnie: 'BK123456', birthDate: '1990-04-12', familyName: 'EL FASSI' } }))
      .toEqual({ ok: true, value: { licenceNumber: '12/345678', cnie: 'BK123456', birthDate: '1990-04-12' } });
    expect(requests.mappingFor('narsa', 'other')).toBeUndefined();
    expect(requests.mappingFor('dgsn', 'licence.verify')).toBeUndefined();
  });

  it('refuses to start when a request mapping does not exist or is not outbound, or an answer mapping is outbound', async () => {
    expect(await startError({ 'licence.verify': { request: 'narsa/nothing.out' } }))
      .toBe('binding narsa: operation "licence.verify" names the request mapping "narsa/nothing.out" which does not exist');
    expect(await startError({ 'licence.verify': { request: 'narsa/licence-check.in' } }))
      .toBe('binding narsa: operation "licence.verify" names the request mapping "narsa/licence-check.in", which is not an outbound mapping (target: partner:…)');
    expect(await startError({ 'licence.verify': { answer: 'narsa/licence-check.out' } }))
      .toBe('binding narsa: operation "licence.verify" names the answer mapping "narsa/licence-check.out", which is an outbound mapping: answers need a .in mapping');
  });
});
