/**
 * The mappings API other code uses. Everything here is pure: files are read and parsed by
 * app/mapping-files.ts, which hands their content to compileMappingSet.
 */
export { compileMappingSet, MappingDefinitionError } from './engine/mapping-set';
export type { CompiledMapping, MappingSet, MappingSources } from './engine/mapping-set';
export type { CodeTable } from './engine/code-tables';
export type { PartnerSchemaSource } from './engine/partner-schemas';
export { OUTPUT_FORMATS } from './engine/formatting';
export type { DefinitionProblem, MappingError, MappingResult } from './engine/types';
export { CANONICAL_SCHEMAS, compileCanonicalValidators, isCanonicalName } from './canonical';
export type * from './canonical/types';

/**
 * What a mapping of a request/response exchange reads (e.g. `narsa/licence-check.in`): the connector
 * wraps the partner's answer so that outcomes carried by the HTTP status (404, 409) map like the others.
 */
export interface PartnerAnswer<Body = unknown> {
  /** HTTP status of the answer. */
  status: number;
  /** The parsed body, when the answer has one. */
  body?: Body;
  /** What the hub asked, as the mapping file names it (e.g. `licenceNumber`, `cnie`, `birthDate`). */
  request: Record<string, unknown>;
  /** When the answer arrived, ISO 8601 with offset. */
  receivedAt: string;
}
