/**
 * Whether a mapping's generated function agrees with its closure tree on one input (for generate.test.ts and
 * generate-keywords.test.ts): the closures' value, with the same keys in the same order, when they record no error;
 * FAILED when they record one.
 */
import { isDeepStrictEqual } from 'node:util';
import { FAILED } from './compile';
import { enginesOf } from './mapping-set';
import type { MappingSet } from './mapping-set';

/** undefined: both gave the same value; FAILED: both failed; otherwise what differs. */
export function disagreement(set: MappingSet, id: string, input: unknown): string | typeof FAILED | undefined {
  const mapping = set.find(id);
  const engines = mapping && enginesOf(mapping);
  if (!engines?.generated) return 'not generated';
  const { produced, errors } = engines.closures(input);
  const generated = engines.generated.run(input);
  if (errors !== undefined) return generated === FAILED ? FAILED : `the closures report ${JSON.stringify(errors)}, the generated function gave ${show(generated)}`;
  if (generated === FAILED) return `the generated function failed where the closures gave ${show(produced)}`;
  const expected = produced === undefined ? {} : produced;
  // isDeepStrictEqual ignores the order of keys, JSON the difference between undefined, NaN and null: both.
  if (!isDeepStrictEqual(generated, expected) || show(generated) !== show(expected)) return `the closures gave ${show(expected)}, the generated function ${show(generated)}`;
  return aliasing(generated, expected, nodesOf(input, new Set()), '');
}

/** The objects and lists of a message. */
function nodesOf(value: unknown, into: Set<unknown>): Set<unknown> {
  if (typeof value === 'object' && value !== null && !into.has(value)) {
    into.add(value);
    for (const item of Object.values(value)) nodesOf(item, into);
  }
  return into;
}

/** The output shares an object or list with the input exactly where the closures' output does (lists are copied, objects passed on). */
function aliasing(generated: unknown, expected: unknown, input: Set<unknown>, at: string): string | undefined {
  if (typeof expected !== 'object' || expected === null) return undefined;
  if (input.has(expected) !== input.has(generated) || (input.has(expected) && generated !== expected)) {
    return `at ${at || '/'}, the closures ${input.has(expected) ? 'pass on' : 'copy'} the input's ${Array.isArray(expected) ? 'list' : 'object'}, the generated function does not`;
  }
  for (const [key, item] of Object.entries(expected)) {
    const found = aliasing((generated as Record<string, unknown>)[key], item, input, `${at}/${key}`);
    if (found) return found;
  }
  return undefined;
}

function show(value: unknown): string {
  return typeof value === 'symbol' ? 'FAILED' : JSON.stringify(value);
}
