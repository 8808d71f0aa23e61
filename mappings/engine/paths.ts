/**
 * Source paths, compiled once into getters. Syntax: `a.b.c` (object keys), `a[2].b` (one element),
 * `a[].b` (every element: the getter returns a list; at most one `[]`, use `each` for nested lists; a single
 * value at `a` reads as a list of one, as XML gives a repeated element that occurs once),
 * `$.a.b` (from the message root instead of the current scope, e.g. inside `each`).
 * Keys are read only from objects and lists, never from strings or numbers; the keys themselves come
 * from the mapping file, never from the input.
 */

export type Getter = (scope: unknown, root: unknown) => unknown;

export type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

export interface CompiledPath {
  get: Getter;
  /** Whether the path contains `[]` (the getter then returns a list, or undefined). */
  spreads: boolean;
  /** The path as written, with the root marker removed; `[]` is filled with indices in error reports. */
  template: string;
  fromRoot: boolean;
  /** The parsed steps, for checking the path against an input schema at load. */
  steps: readonly Step[];
}

const KEY = /^[A-Za-z_$][\w$-]*$/;

export function parsePath(path: string): { steps: Step[]; fromRoot: boolean } {
  const fromRoot = path.startsWith('$.');
  const body = fromRoot ? path.slice(2) : path;
  const steps: Step[] = [];
  for (const segment of body.split('.')) {
    const match = /^([^[\]]+)((?:\[\d*\])*)$/.exec(segment);
    if (!match || !KEY.test(match[1])) throw new Error(`invalid path "${path}" (segment "${segment}")`);
    steps.push({ kind: 'key', key: match[1] });
    for (const bracket of match[2].match(/\[\d*\]/g) ?? []) {
      steps.push(bracket === '[]' ? { kind: 'all' } : { kind: 'index', index: Number(bracket.slice(1, -1)) });
    }
  }
  if (steps.filter((s) => s.kind === 'all').length > 1) throw new Error(`path "${path}" has more than one []: use each for nested lists`);
  return { steps, fromRoot };
}

export function compilePath(path: string): CompiledPath {
  const { steps, fromRoot } = parsePath(path);
  const walk = compileSteps(steps);
  const get: Getter = fromRoot ? (_scope, root) => walk(root) : (scope) => walk(scope);
  return { get, spreads: steps.some((s) => s.kind === 'all'), template: fromRoot ? path.slice(2) : path, fromRoot, steps };
}

/** Joins a scope template and a relative path template for error reports. */
export function joinSourceTemplate(scope: string, relative: CompiledPath): string {
  if (relative.fromRoot || scope === '') return relative.template;
  return `${scope}.${relative.template}`;
}

/** Objects and lists both hold keys; a key read on a list is undefined (keys are names, not `length`). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Specialised closures for the common short key-only paths; the general walker for the rest. */
function compileSteps(steps: Step[]): (value: unknown) => unknown {
  if (steps.every((s) => s.kind === 'key')) {
    const keys = steps.map((s) => (s as { key: string }).key);
    if (keys.length === 1) {
      const [a] = keys;
      return (v) => (isRecord(v) ? v[a] : undefined);
    }
    if (keys.length === 2) {
      const [a, b] = keys;
      return (v) => {
        if (!isRecord(v)) return undefined;
        const x = v[a];
        return isRecord(x) ? x[b] : undefined;
      };
    }
    return (v) => {
      let current = v;
      for (const key of keys) {
        if (!isRecord(current)) return undefined;
        current = current[key];
      }
      return current;
    };
  }
  return (v) => walkGeneral(v, steps, 0);
}

function walkGeneral(value: unknown, steps: Step[], from: number): unknown {
  let current = value;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    if (step.kind === 'key') {
      if (!isRecord(current)) return undefined;
      current = current[step.key];
    } else if (step.kind === 'index') {
      if (!Array.isArray(current)) return undefined;
      current = current[step.index];
    } else {
      // The one `[]` of the path: one value per element, in order, so error reports can name the element.
      // XML gives a repeated element that occurs once as a single value (no schema says it repeats): a list of one.
      if (current === undefined || current === null) return undefined;
      const list = Array.isArray(current) ? current as unknown[] : [current];
      return list.map((element) => walkGeneral(element, steps, i + 1));
    }
  }
  return current;
}

/**
 * Fills the `[]` placeholders of a template with the innermost indices: a template with n placeholders
 * takes the last n indices of the stack (paths from the root inside nested `each` see fewer levels).
 */
export function fillTemplate(template: string, placeholder: string, indices: readonly number[]): string {
  const count = template.split(placeholder).length - 1;
  let next = indices.length - count;
  return template.split(placeholder).reduce((acc, part, i) => (i === 0 ? part : `${acc}${placeholderValue(placeholder, indices[next++])}${part}`), '');
}

function placeholderValue(placeholder: string, index: number | undefined): string {
  const shown = index === undefined ? '' : String(index);
  return placeholder === '[]' ? `[${shown}]` : shown;
}
