/** `when:` conditions, compiled into predicates over the current scope (or the root, with `$.`). */
import { compilePath } from './paths';
import type { ConditionDefinition } from './types';

export type Predicate = (scope: unknown, root: unknown) => boolean;

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Throws with a message for the mapping author when the condition cannot be compiled. */
export function compileCondition(when: ConditionDefinition | ConditionDefinition[]): Predicate {
  const predicates = (Array.isArray(when) ? when : [when]).map(compileOne);
  if (predicates.length === 1) return predicates[0];
  return (scope, root) => predicates.every((predicate) => predicate(scope, root));
}

function compileOne(condition: ConditionDefinition): Predicate {
  const path = compilePath(condition.path);
  if (path.spreads) throw new Error(`condition path "${condition.path}" cannot contain []`);
  const get = path.get;
  if ('equals' in condition) {
    const expected = condition.equals;
    if (!isScalar(expected)) throw new Error('equals: compares with a string, number, boolean or null');
    return (scope, root) => get(scope, root) === expected;
  }
  if ('notEquals' in condition) {
    const unexpected = condition.notEquals;
    if (!isScalar(unexpected)) throw new Error('notEquals: compares with a string, number, boolean or null');
    return (scope, root) => get(scope, root) !== unexpected;
  }
  if (condition.in !== undefined) {
    const allowed = condition.in;
    if (!allowed.every(isScalar)) throw new Error('in: lists strings, numbers, booleans or null');
    return (scope, root) => allowed.includes(get(scope, root));
  }
  const shouldExist = condition.exists === true;
  return (scope, root) => {
    const value = get(scope, root);
    return (value !== undefined && value !== null) === shouldExist;
  };
}
