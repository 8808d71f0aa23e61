/**
 * Code tables (`mappings/codes/*.yaml`): a partner's or the hub's codes → canonical values, with labels
 * per language. Lookups go through a Map so that an input code such as `constructor` or `__proto__`
 * is an unknown code, not a property of some object.
 */
import type { CodeTableDefinition, DefinitionProblem } from './types';

export interface CodeTable {
  readonly name: string;
  readonly description: string;
  /** The canonical value for a code, or undefined when the code is not in the table. */
  lookup(code: string): string | undefined;
  /** The code of a canonical value (outbound, `reverse: true`), or undefined when no code has that value. */
  codeOf(value: string): string | undefined;
  /** Canonical values that several codes share: a reverse lookup of them would have to guess. */
  readonly sharedValues: readonly string[];
  /** Label of a code in a language (`fr`, `en`, `ar`, `es`…), when the table has labels. */
  label(code: string, language: string): string | undefined;
  readonly codes: readonly string[];
}

export function compileCodeTable(name: string, definition: CodeTableDefinition): CodeTable {
  const values = new Map<string, string>();
  const labels = new Map<string, Readonly<Record<string, string>>>();
  for (const [code, entry] of Object.entries(definition.codes)) {
    if (typeof entry === 'string') {
      values.set(code, entry);
    } else {
      values.set(code, entry.value ?? code);
      if (entry.labels) labels.set(code, entry.labels);
    }
  }
  const codes = new Map<string, string>();
  const shared = new Set<string>();
  for (const [code, value] of values) {
    if (codes.has(value)) shared.add(value);
    else codes.set(value, code);
  }
  return {
    name,
    description: definition.description,
    lookup: (code) => values.get(code),
    codeOf: (value) => (shared.has(value) ? undefined : codes.get(value)),
    sharedValues: [...shared],
    label: (code, language) => {
      const byLanguage = labels.get(code);
      return byLanguage && Object.prototype.hasOwnProperty.call(byLanguage, language) ? byLanguage[language] : undefined;
    },
    codes: [...values.keys()],
  };
}

/** Checks a table that declares labels has them in every language any of its entries uses. */
export function checkLabels(origin: string, definition: CodeTableDefinition): DefinitionProblem[] {
  const entries = Object.entries(definition.codes).filter((e): e is [string, { labels?: Record<string, string> }] => typeof e[1] !== 'string');
  const languages = new Set(entries.flatMap(([, entry]) => Object.keys(entry.labels ?? {})));
  const problems: DefinitionProblem[] = [];
  if (languages.size === 0) return problems;
  for (const [code, entry] of entries) {
    for (const language of languages) {
      if (!entry.labels?.[language]) problems.push({ origin, path: `/codes/${code}/labels`, message: `has no "${language}" label` });
    }
  }
  return problems;
}
