import { HubError } from '../broker/errors';
import type { AnswerMapper, RawAnswer } from '../broker/inbox/processor';
import type { RequestMapper } from '../broker/outbox/request-mapping';
import type { CompiledMapping, MappingSet } from '../mappings';
import { loadMappingSet } from './mapping-files';
import type { PartnerBinding } from '../connectors/partners/bindings';

export interface PartnerMappings {
  /** `mappings.<operation>.answer`: the partner's answer → canonical, before the service's reply action. */
  answers: AnswerMapper;
  /** `mappings.<operation>.request`: the outbox payload → the partner's message, at delivery. */
  requests: RequestMapper;
}

/**
 * The mappings the partner bindings name, compiled once at start. A binding that names a missing
 * mapping, or one of the wrong direction, stops the start: better than dead-lettering or quarantining
 * every message later.
 */
export async function createPartnerMappings(bindings: PartnerBinding[], set?: MappingSet): Promise<PartnerMappings> {
  const mappings = set ?? await loadMappingSet();
  const answers = new Map<string, CompiledMapping<unknown>>();
  const requests = new Map<string, CompiledMapping<unknown>>();
  for (const b of bindings) {
    for (const [operation, m] of Object.entries(b.mappings ?? {})) {
      if (m.answer) answers.set(`${b.partner} ${operation}`, named(mappings, b, operation, 'answer', m.answer));
      if (m.request) requests.set(`${b.partner} ${operation}`, named(mappings, b, operation, 'request', m.request));
    }
  }
  return {
    answers: {
      mapAnswer(partner: string, operation: string, answer: RawAnswer) {
        const mapping = answers.get(`${partner} ${operation}`);
        if (!mapping) return { ok: true, value: answer.body };
        return mapping.map(answer);
      },
    },
    requests: { mappingFor: (partner, operation) => requests.get(`${partner} ${operation}`) },
  };
}

function named(set: MappingSet, binding: PartnerBinding, operation: string, role: 'answer' | 'request', id: string): CompiledMapping<unknown> {
  const compiled = set.find(id);
  const where = `binding ${binding.partner}: operation "${operation}" names the ${role} mapping "${id}"`;
  if (!compiled) throw new HubError('CONFIG_INVALID', `${where} which does not exist`);
  // A request mapping writes the partner's message (.out); an answer mapping reads it (.in).
  const outbound = compiled.target.startsWith('partner:');
  if (role === 'request' && !outbound) throw new HubError('CONFIG_INVALID', `${where}, which is not an outbound mapping (target: partner:…)`);
  if (role === 'answer' && outbound) throw new HubError('CONFIG_INVALID', `${where}, which is an outbound mapping: answers need a .in mapping`);
  return compiled;
}
