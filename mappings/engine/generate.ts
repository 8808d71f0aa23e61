/**
 * The fast path of a mapping: its `fields`, generated once at load into ONE JavaScript function (as ajv does for
 * schemas), so that every property read and every call has its own site that V8 can specialise. The closure tree
 * of compile.ts shares a few closures between all fields of all mappings, whose property reads are therefore
 * megamorphic (docs/performance.md, "NARSA record mapping").
 *
 * The generated function returns the mapped value, or FAILED as soon as any conversion fails; it records no
 * errors. mapping-set.ts then runs the closure tree, which reports the errors exactly as before. So the generated
 * code must give the closures' output whenever they record no error, and FAILED whenever they record one
 * (mappings/engine/generate.test.ts checks this on every golden input of every mapping, and variants of them).
 *
 * Why generating code from mapping files is safe: nothing from a mapping file or a code table is ever written into
 * the source as text. Field names, path keys, separators and scalar constants are written with JSON.stringify,
 * which always yields one complete, inert JavaScript string, number, boolean or null literal; every other value
 * (objects, lists, NaN, -0, code tables, conversion functions) is passed in as an element of an array, named in
 * the source by its index. Variable names are fixed prefixes and counters. Input messages never reach the source:
 * they are the argument of the generated function. generate.test.ts proves a hostile key, constant and separator
 * stay data.
 */
import type { CodeTable } from './code-tables';
import { copyData, FAILED } from './compile';
import { DATE_CONVERSIONS } from './dates';
import { compileFormatter } from './formatting';
import { parsePath, type Step } from './paths';
import type { ConditionDefinition, FieldRuleDefinition, FieldSpecDefinition, FieldsDefinition } from './types';

/** The mapped value, or FAILED when a conversion failed (the closure tree then says why). */
export type GeneratedMapping = (input: unknown) => unknown;

export interface Generated {
  run: GeneratedMapping;
  /** The generated source, for tests and for reading when in doubt. */
  source: string;
}

/**
 * Generates the fast function of a mapping whose definition compiled without problems (the checks are compile.ts's:
 * this assumes a valid definition). Throws when it meets something it cannot generate; the caller keeps the closures.
 */
export function generateMapping(fields: FieldsDefinition, codeTables: ReadonlyMap<string, CodeTable>): Generated {
  const out = new Emitter(codeTables);
  const top = emitFields(out, fields, 'root');
  const source = [
    '"use strict";',
    ...out.values.map((_, i) => `const c${i} = values[${i}];`),
    'const INTEGER = /^[+-]?[0-9]{1,15}$/;',
    'return function generatedMapping(root) {',
    ...out.lines,
    `  return ${top} === undefined ? {} : ${top};`,
    '};',
  ].join('\n');
  const factory = new Function('F', 'values', 'copyData', source) as (f: typeof FAILED, values: unknown[], copy: typeof copyData) => GeneratedMapping;
  return { run: factory(FAILED, out.values, copyData), source };
}

class Emitter {
  readonly lines: string[] = [];
  /** Values the source names by index (`c3`): never written into it. */
  readonly values: unknown[] = [];
  private count = 0;
  private depth = 1;
  /**
   * Reads already made, by base and steps, one map per open block: a variable is visible in its block only.
   * Reading twice gives the same value (the input is never changed while it is mapped), so a read is reused.
   */
  private readonly reads: Array<Map<string, string>> = [new Map()];

  constructor(readonly codeTables: ReadonlyMap<string, CodeTable>) {}

  name(prefix: 'v' | 'o' | 'i' | 'e' | 'l'): string {
    return `${prefix}${this.count++}`;
  }

  line(text: string): void {
    this.lines.push(`${'  '.repeat(this.depth)}${text}`);
  }

  block(head: string, body: () => void): void {
    this.line(`${head} {`);
    this.depth++;
    this.reads.push(new Map());
    body();
    this.reads.pop();
    this.depth--;
    this.line('}');
  }

  /** The variable holding a read made earlier in this block or an enclosing one. */
  madeRead(key: string): string | undefined {
    for (let i = this.reads.length - 1; i >= 0; i--) {
      const found = this.reads[i].get(key);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  rememberRead(key: string, variable: string): void {
    this.reads[this.reads.length - 1].set(key, variable);
  }

  /** A value passed in, named by its index. */
  value(value: unknown): string {
    this.values.push(value);
    return `c${this.values.length - 1}`;
  }

  /** A fresh `let` holding undefined. */
  variable(prefix: 'v' | 'o' | 'l' = 'v'): string {
    const name = this.name(prefix);
    this.line(`let ${name};`);
    return name;
  }
}

/** A scalar as an inert literal; anything JSON.stringify would not give back identically is passed in instead. */
function literal(out: Emitter, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return JSON.stringify(value);
  return out.value(value);
}

/** compile.ts's `constant`: scalars as they are, a fresh empty list, a deep copy of anything else. */
function constant(out: Emitter, value: unknown): string {
  if (value === null || typeof value !== 'object') return literal(out, value);
  if (Array.isArray(value) && value.length === 0) return '[]';
  return `copyData(${out.value(value)})`;
}

/** paths.ts's walk, written out: keys read from objects and lists only, indices from lists only; a read made before is reused. */
function read(out: Emitter, base: string, steps: readonly Step[]): string {
  let current = base;
  steps.forEach((step, i) => {
    const key = `${base}${JSON.stringify(steps.slice(0, i + 1))}`;
    const made = out.madeRead(key);
    if (made !== undefined) {
      current = made;
      return;
    }
    const v = out.name('v');
    if (step.kind === 'key') out.line(`const ${v} = typeof ${current} === "object" && ${current} !== null ? ${current}[${JSON.stringify(step.key)}] : undefined;`);
    else if (step.kind === 'index') out.line(`const ${v} = Array.isArray(${current}) ? ${current}[${JSON.stringify(step.index)}] : undefined;`);
    else throw new Error('[] is read by the leaf that spreads it');
    out.rememberRead(key, v);
    current = v;
  });
  return current;
}

function readPath(out: Emitter, path: string, scope: string): string {
  const { steps, fromRoot } = parsePath(path);
  return read(out, fromRoot ? 'root' : scope, steps);
}

const isAbsent = (v: string): string => `(${v} === undefined || ${v} === null)`;

interface Entry { key: string; spec: FieldSpecDefinition }

function emitFields(out: Emitter, fields: FieldsDefinition, scope: string): string {
  return emitEntries(out, Object.entries(fields).map(([key, spec]) => ({ key, spec })), scope);
}

/** compile.ts's compileEntries + groupOf: the fields in order, then the object (undefined when none has a value). */
function emitEntries(out: Emitter, entries: Entry[], scope: string): string {
  const tree = new Map<string, { own?: Entry; nested: Entry[] }>();
  for (const entry of entries) {
    const [head, ...rest] = entry.key.split('.');
    const node = tree.get(head) ?? { nested: [] };
    if (rest.length === 0) node.own = entry;
    else node.nested.push({ ...entry, key: rest.join('.') });
    tree.set(head, node);
  }
  const parts: Array<{ key: string; value: string }> = [];
  for (const [key, { own, nested }] of tree) {
    if (own && nested.length > 0) throw new Error(`"${key}" has both its own rule and dotted sub-fields`);
    // An object literal's "__proto__" sets the prototype where the closures assign a property: not generated.
    if (key === '__proto__') throw new Error('a target key __proto__ is not generated');
    parts.push({ key, value: own ? emitSpec(out, own.spec, scope) : emitEntries(out, nested, scope) });
  }
  const o = out.variable('o');
  if (parts.length === 0) return o;
  // All fields there (the usual case): one literal, so that every such output has one shape. Otherwise each
  // field that has a value is added in order, as the closures do.
  const properties = parts.map(({ key, value }) => `${JSON.stringify(key)}: ${value}`).join(', ');
  out.line(`if (${parts.map(({ value }) => `${value} !== undefined`).join(' && ')}) ${o} = { ${properties} };`);
  out.block('else', () => {
    for (const { key, value } of parts) out.line(`if (${value} !== undefined) (${o} ??= {})[${JSON.stringify(key)}] = ${value};`);
  });
  return o;
}

/** compile.ts's compileSpec: the first alternative whose `when` holds and that yields a value. */
function emitSpec(out: Emitter, spec: FieldSpecDefinition, scope: string): string {
  const rules = Array.isArray(spec) ? spec : [spec];
  if (rules.length === 1 && rules[0].when === undefined) return emitRule(out, rules[0], scope);
  const result = out.variable();
  rules.forEach((rule, i) => {
    const alternative = (): void => {
      if (rule.when === undefined) {
        out.line(`${result} = ${emitRule(out, rule, scope)};`);
        return;
      }
      const holds = emitCondition(out, rule.when, scope);
      out.block(`if (${holds})`, () => out.line(`${result} = ${emitRule(out, rule, scope)};`));
    };
    if (i === 0) alternative();
    else out.block(`if (${result} === undefined)`, alternative);
  });
  return result;
}

/** conditions.ts, written out: a boolean expression over paths read just before. */
function emitCondition(out: Emitter, when: ConditionDefinition | ConditionDefinition[], scope: string): string {
  return (Array.isArray(when) ? when : [when]).map((condition) => {
    const v = readPath(out, condition.path, scope);
    if ('equals' in condition) return `${v} === ${literal(out, condition.equals)}`;
    if ('notEquals' in condition) return `${v} !== ${literal(out, condition.notEquals)}`;
    if (condition.in !== undefined) return `${out.value(condition.in)}.includes(${v})`;
    return condition.exists === true ? `!${isAbsent(v)}` : isAbsent(v);
  }).map((test) => `(${test})`).join(' && ');
}

const hasConst = (rule: FieldRuleDefinition): boolean => rule.const !== undefined || 'const' in rule;

/** compile.ts's compileRule, for a rule it accepted. */
function emitRule(out: Emitter, rule: FieldRuleDefinition, scope: string): string {
  if (rule.fields !== undefined) {
    if (rule.each !== undefined) return emitEach(out, rule.each, rule.fields, scope);
    if (rule.from === undefined) return emitFields(out, rule.fields, scope);
    const inner = readPath(out, rule.from, scope);
    const result = out.variable();
    out.block(`if (!${isAbsent(inner)})`, () => out.line(`${result} = ${emitFields(out, rule.fields as FieldsDefinition, inner)};`));
    return result;
  }
  if (hasConst(rule)) {
    // In a variable: the object code tests and uses each value twice, and a list constant is a fresh copy each time.
    const value = out.name('v');
    out.line(`const ${value} = ${constant(out, rule.const)};`);
    return value;
  }
  if (rule.join !== undefined) return emitJoin(out, rule, rule.join, scope);
  if (rule.from === undefined) throw new Error('a rule needs from:, join:, const: or fields:');
  return emitLeaf(out, rule, rule.from, scope);
}

/** compile.ts's compileEach: one element per source element, `{}` for one that yields nothing. */
function emitEach(out: Emitter, each: string, fields: FieldsDefinition, scope: string): string {
  const list = readPath(out, each, scope);
  const result = out.variable('l');
  out.block(`if (!${isAbsent(list)})`, () => {
    out.line(`if (!Array.isArray(${list})) return F;`);
    out.line(`${result} = [];`);
    const i = out.name('i');
    const element = out.name('e');
    out.block(`for (let ${i} = 0; ${i} < ${list}.length; ${i}++)`, () => {
      out.line(`const ${element} = ${list}[${i}];`);
      const item = emitFields(out, fields, element);
      out.line(`${result}.push(${item} === undefined ? {} : ${item});`);
    });
  });
  return result;
}

/** compile.ts's compileLeaf: the value at a path (or, with `[]`, one per element), converted; the default when absent. */
function emitLeaf(out: Emitter, rule: FieldRuleDefinition, from: string, scope: string): string {
  const { steps, fromRoot } = parsePath(from);
  const base = fromRoot ? 'root' : scope;
  const spreadAt = steps.findIndex((step) => step.kind === 'all');
  const fallback = rule.default === undefined ? undefined : (): string => constant(out, rule.default);
  const result = out.variable();
  const value = read(out, base, spreadAt < 0 ? steps : steps.slice(0, spreadAt));
  if (fallback) out.block(`if (${isAbsent(value)})`, () => out.line(`${result} = ${fallback()};`));
  out.block(fallback ? 'else' : `if (!${isAbsent(value)})`, () => {
    if (spreadAt < 0) {
      emitConversion(out, rule, value, result);
      return;
    }
    // A single value where the list is reads as a list of one (XML's repeated element that occurs once).
    const list = out.name('l');
    out.line(`const ${list} = Array.isArray(${value}) ? ${value} : [${value}];`);
    out.line(`${result} = [];`);
    const i = out.name('i');
    out.block(`for (let ${i} = 0; ${i} < ${list}.length; ${i}++)`, () => {
      const element = read(out, `${list}[${i}]`, steps.slice(spreadAt + 1));
      out.line(`if (${isAbsent(element)}) return F;`);
      const converted = out.variable();
      emitConversion(out, rule, element, converted);
      out.line(`${result}.push(${converted});`);
    });
  });
  return result;
}

/** compile.ts's compileConversion, on a value known to be there: assigns `result`, or returns F. */
function emitConversion(out: Emitter, rule: FieldRuleDefinition, value: string, result: string): void {
  const checked = (test: string, call: (fn: string) => string, fn: unknown): void => {
    if (typeof fn !== 'function') throw new Error('no conversion function');
    out.line(`if (${test}) return F;`);
    out.line(`${result} = ${call(out.value(fn))};`);
    out.line(`if (${result} === undefined) return F;`);
  };
  const table = (name: string): CodeTable => {
    const found = out.codeTables.get(name);
    if (!found) throw new Error(`no code table named ${name}`);
    return found;
  };
  if (rule.code !== undefined && rule.reverse === true) {
    checked(`typeof ${value} !== "string"`, (fn) => `${fn}(${value})`, table(rule.code).codeOf);
  } else if (rule.format !== undefined) {
    checked(`typeof ${value} !== "string"`, (fn) => `${fn}(${value})`, compileFormatter(rule.format, rule.timeZone));
  } else if (rule.code !== undefined) {
    checked(`typeof ${value} !== "string" && typeof ${value} !== "number"`, (fn) => `${fn}(typeof ${value} === "string" ? ${value} : String(${value}))`, table(rule.code).lookup);
  } else if (rule.number !== undefined) {
    out.block(`if (typeof ${value} === "number")`, () => {
      out.line(`if (!Number.isSafeInteger(${value})) return F;`);
      out.line(`${result} = ${value};`);
    });
    out.block('else', () => {
      out.line(`const text = typeof ${value} === "string" ? ${value}.trim() : "";`);
      out.line('if (!INTEGER.test(text)) return F;');
      out.line(`${result} = Number(text);`);
    });
  } else if (rule.date !== undefined) {
    checked(`typeof ${value} !== "string"`, (fn) => `${fn}(${value})`, Object.prototype.hasOwnProperty.call(DATE_CONVERSIONS, rule.date) ? DATE_CONVERSIONS[rule.date] : undefined);
  } else {
    // Lists are copied so that the output never aliases the input message.
    out.line(`${result} = Array.isArray(${value}) ? ${value}.slice() : ${value};`);
  }
  if (rule.case !== undefined) {
    out.line(`if (typeof ${result} !== "string") return F;`);
    out.line(`${result} = ${result}.${rule.case === 'upper' ? 'toUpperCase' : 'toLowerCase'}();`);
  }
}

/** compile.ts's compileJoin: the parts that are there, as text, the separator between them. */
function emitJoin(out: Emitter, rule: FieldRuleDefinition, join: readonly string[], scope: string): string {
  const separator = literal(out, rule.separator ?? ' ');
  const result = out.variable();
  for (const part of join) {
    const value = readPath(out, part, scope);
    out.block(`if (!${isAbsent(value)} && ${value} !== "")`, () => {
      out.line(`if (typeof ${value} !== "string" && typeof ${value} !== "number") return F;`);
      out.line(`${result} = ${result} === undefined ? String(${value}) : ${result} + ${separator} + ${value};`);
    });
  }
  // Put in case before the default is used: compile.ts returns the default as it is.
  if (rule.case !== undefined) out.line(`if (${result} !== undefined) ${result} = ${result}.${rule.case === 'upper' ? 'toUpperCase' : 'toLowerCase'}();`);
  if (rule.default !== undefined) out.line(`if (${result} === undefined) ${result} = ${constant(out, rule.default)};`);
  return result;
}
