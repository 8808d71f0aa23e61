/**
 * Shapes shared by the mapping engine: what a mapping file says (after YAML parsing and schema
 * validation) and what a compiled mapping returns.
 */
import type { FieldError } from '../../broker/errors';

/** A mapping failure: `path` is the target field (JSON pointer), `source` the source path it came from. */
export interface MappingError extends FieldError {
  source?: string;
}

export type MappingResult<T> = { ok: true; value: T } | { ok: false; errors: MappingError[] };

/** A condition on the source: `path` and exactly one test. */
export interface ConditionDefinition {
  path: string;
  equals?: unknown;
  notEquals?: unknown;
  in?: unknown[];
  exists?: boolean;
}

/**
 * One rule for one target field. A leaf takes its value `from` a source path (optionally through a
 * `code` table or a `date` conversion) or is a `const`; a group has nested `fields`, scoped to a source
 * object (`from`) or repeated for each element of a source list (`each`).
 */
export interface FieldRuleDefinition {
  from?: string;
  const?: unknown;
  default?: unknown;
  code?: string;
  /** With `code`: canonical value → the table's code (outbound). */
  reverse?: boolean;
  date?: string;
  /** Canonical date / date-time → the partner's spelling (outbound), see engine/formatting.ts. */
  format?: string;
  /** With `format: local-date-time`: the IANA zone the partner's local time is in. */
  timeZone?: string;
  /** Source paths whose values are joined into one text, absent parts skipped. */
  join?: string[];
  /** With `join`: what goes between the parts (default one space). */
  separator?: string;
  case?: 'upper' | 'lower';
  /** `integer`: a whole number written as text (an XML `xs:int`) → a JSON integer. */
  number?: 'integer';
  when?: ConditionDefinition | ConditionDefinition[];
  each?: string;
  fields?: FieldsDefinition;
  description?: string;
}

/** A list is a set of alternatives: the first whose `when` holds and that yields a value wins. */
export type FieldSpecDefinition = FieldRuleDefinition | FieldRuleDefinition[];

/** Target path (dots for nesting: `holder.familyName`) → rule. */
export type FieldsDefinition = Record<string, FieldSpecDefinition>;

export interface MappingDefinition {
  source: string;
  /** A canonical schema name, or `partner:<partner>/<message>` (a closed partner message schema). */
  target: string;
  /** The canonical schema of the input, when it is one: `from:` paths are then checked against it at load. */
  input?: string;
  description?: string;
  fields: FieldsDefinition;
}

export interface CodeTableEntryDefinition {
  value?: string;
  labels?: Record<string, string>;
}

export interface CodeTableDefinition {
  description: string;
  codes: Record<string, string | CodeTableEntryDefinition>;
}

/** A problem in a mapping or code-table file, found when the set is compiled. */
export interface DefinitionProblem {
  /** The file (or other origin) the definition came from. */
  origin: string;
  /** JSON pointer inside that definition. */
  path: string;
  /** The target path (JSON pointer, `*` for list indices) of the rule at fault, when the problem is in a rule. */
  target?: string;
  message: string;
}
