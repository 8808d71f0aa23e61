import { HubError } from '../broker/errors';
import type { AnswerMapper, RawAnswer } from '../broker/inbox/processor';
import type { CompiledMapping } from '../mappings';
import { loadMappingSet } from './mapping-files';
import type { PartnerBinding } from '../connectors/partners/bindings';

/**
 * The answer mappings the partner bindings name (`mappings.<operation>.answer`), compiled once at start.
 * A binding that names a missing mapping stops the start: better than quarantining every answer later.
 */
export async function createAnswerMapper(bindings: PartnerBinding[]): Promise<AnswerMapper> {
  const set = await loadMappingSet();
  const byOperation = new Map<string, CompiledMapping<unknown>>();
  for (const b of bindings) {
    for (const [operation, m] of Object.entries(b.mappings ?? {})) {
      if (!m.answer) continue;
      const compiled = set.find(m.answer);
      if (!compiled) throw new HubError('CONFIG_INVALID', `binding ${b.partner}: operation "${operation}" names the mapping "${m.answer}" which does not exist`);
      byOperation.set(`${b.partner} ${operation}`, compiled);
    }
  }
  return {
    mapAnswer(partner: string, operation: string, answer: RawAnswer) {
      const mapping = byOperation.get(`${partner} ${operation}`);
      if (!mapping) return { ok: true, value: answer.body };
      return mapping.map(answer);
    },
  };
}
