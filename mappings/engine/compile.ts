/**
 * Compiles the `fields` of a mapping file into one tree of closures, once, at load. At run time no
 * rule is interpreted: each field is a function of (scope, run) and error paths are built only when an
 * error actually happens (templates with `*` / `[]` filled from the index stack).
 */
import type { CodeTable } from './code-tables';
import { compileCondition, type Predicate } from './conditions';
import { DATE_CONVERSIONS } from './dates';
import { compileFormatter, DATE_TIME_FORMATS } from './formatting';
import { compilePath, fillTemplate, joinSourceTemplate, type CompiledPath } from './paths';
import type { TargetNode, TargetSchemas } from './target-schema';
import type { DefinitionProblem, FieldRuleDefinition, FieldSpecDefinition, FieldsDefinition, MappingError } from './types';

/** One mapping run: the message root, the errors found so far, the indices of the lists being walked. */
export interface Run {
  root: unknown;
  errors: MappingError[] | undefined;
  indices: number[];
}

/** Returned by a field whose conversion failed (its error is recorded): absent, but no fallback. */
export const FAILED: unique symbol = Symbol('mapping failed');

/** undefined: the field is absent; FAILED: an error was recorded. */
export type Produce = (scope: unknown, run: Run) => unknown;

export interface CompileContext {
  origin: string;
  codeTables: ReadonlyMap<string, CodeTable>;
  targets: TargetSchemas;
  problems: DefinitionProblem[];
  /** The declared input schema (`input:`), whose fields `from:` paths must name; absent: paths are not checked. */
  input?: { name: string; root: TargetNode };
}

export interface Place {
  /** JSON pointer of the rule inside the mapping file. */
  definitionPath: string;
  /** Target path, `*` standing for list indices. */
  targetTemplate: string;
  /** Source path of the current scope, `[]` standing for list indices; '' at the root. */
  sourceScope: string;
  target: TargetNode;
  /** The input schema node of the current scope, when an input schema is declared and the scope is known in it. */
  input?: TargetNode;
}

const NOTHING: Produce = () => undefined;

export function compileFields(fields: FieldsDefinition, place: Place, ctx: CompileContext): Produce {
  const entries = Object.entries(fields).map(([key, spec]) => ({ key, spec, definitionPath: `${place.definitionPath}/${escapePointer(key)}` }));
  return compileEntries(entries, place, ctx);
}

interface FieldEntry {
  /** Target key relative to the current group, possibly dotted. */
  key: string;
  spec: FieldSpecDefinition;
  definitionPath: string;
}

function compileEntries(entries: FieldEntry[], place: Place, ctx: CompileContext): Produce {
  // Dotted keys (`holder.familyName`) and nested `fields` end up in the same tree of groups.
  const tree = new Map<string, { own?: FieldEntry; nested: FieldEntry[] }>();
  for (const entry of entries) {
    const [head, ...rest] = entry.key.split('.');
    const node = tree.get(head) ?? { nested: [] };
    if (rest.length === 0) node.own = entry;
    else node.nested.push({ ...entry, key: rest.join('.') });
    tree.set(head, node);
  }
  const keys: string[] = [];
  const producers: Produce[] = [];
  for (const [key, { own, nested }] of tree) {
    const definitionPath = own?.definitionPath ?? nested[0].definitionPath;
    if (own && nested.length > 0) {
      ctx.problems.push({ origin: ctx.origin, path: definitionPath, target: `${place.targetTemplate}/${key}`, message: `"${key}" has both its own rule and dotted sub-fields: put the sub-fields under its fields:` });
      continue;
    }
    const targetTemplate = `${place.targetTemplate}/${key}`;
    const target = ctx.targets.property(place.target, key);
    if (!target) {
      ctx.problems.push({ origin: ctx.origin, path: definitionPath, target: targetTemplate, message: `the target has no field ${targetTemplate}` });
      continue;
    }
    const childPlace: Place = { ...place, definitionPath, targetTemplate, target };
    keys.push(key);
    producers.push(own ? compileSpec(own.spec, childPlace, ctx) : compileEntries(nested, childPlace, ctx));
  }
  return groupOf(keys, producers);
}

function groupOf(keys: string[], producers: Produce[]): Produce {
  const count = keys.length;
  return (scope, run) => {
    let out: Record<string, unknown> | undefined;
    let failed = false;
    for (let i = 0; i < count; i++) {
      const value = producers[i](scope, run);
      if (value === undefined) continue;
      if (value === FAILED) failed = true;
      else (out ??= {})[keys[i]] = value;
    }
    return out ?? (failed ? FAILED : undefined);
  };
}

function compileSpec(spec: FieldSpecDefinition, place: Place, ctx: CompileContext): Produce {
  const rules = Array.isArray(spec) ? spec : [spec];
  const alternatives: Array<{ when?: Predicate; produce: Produce }> = rules.map((rule, i) => {
    const rulePlace = Array.isArray(spec) ? { ...place, definitionPath: `${place.definitionPath}/${i}` } : place;
    return { when: compileWhen(rule, rulePlace, ctx), produce: compileRule(rule, rulePlace, ctx) };
  });
  if (alternatives.length === 1 && !alternatives[0].when) return alternatives[0].produce;
  return (scope, run) => {
    for (const alternative of alternatives) {
      if (alternative.when && !alternative.when(scope, run.root)) continue;
      const value = alternative.produce(scope, run);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

function compileWhen(rule: FieldRuleDefinition, place: Place, ctx: CompileContext): Predicate | undefined {
  if (rule.when === undefined) return undefined;
  if (ctx.input) {
    const conditions = Array.isArray(rule.when) ? rule.when : [rule.when];
    conditions.forEach((condition, i) => {
      const path = compilePathQuietly(condition.path);
      const at = `${place.definitionPath}/when${Array.isArray(rule.when) ? `/${i}` : ''}`;
      if (path) inputNode(path, place, ctx, (message) => pushProblem(ctx, at, place, message));
    });
  }
  try {
    return compileCondition(rule.when);
  } catch (error) {
    pushProblem(ctx, `${place.definitionPath}/when`, place, (error as Error).message);
    return () => false;
  }
}

function pushProblem(ctx: CompileContext, definitionPath: string, place: Place, message: string): Produce {
  ctx.problems.push({ origin: ctx.origin, path: definitionPath, target: place.targetTemplate || '/', message });
  return NOTHING;
}

/** Keywords that make a rule a leaf (a value from the source, converted). */
const LEAF_KEYWORDS = ['const', 'default', 'code', 'reverse', 'date', 'format', 'timeZone', 'join', 'separator', 'case', 'number'] as const;
/** Conversions: a leaf takes at most one. */
const CONVERSIONS = ['code', 'date', 'format', 'number'] as const;

function compileRule(rule: FieldRuleDefinition, place: Place, ctx: CompileContext): Produce {
  const problem = (message: string): Produce => pushProblem(ctx, place.definitionPath, place, message);
  const has = (key: keyof FieldRuleDefinition): boolean => rule[key] !== undefined || (key === 'const' && 'const' in rule);
  if (rule.fields !== undefined) {
    const misplaced = LEAF_KEYWORDS.filter(has);
    if (misplaced.length > 0) return problem(`a group (fields:) cannot have ${misplaced.join(', ')}: put them on its fields`);
    if (has('from') && has('each')) return problem('a group takes either from: (one object) or each: (a list), not both');
    return rule.each !== undefined ? compileEach(rule.each, rule.fields, place, ctx, problem) : compileGroup(rule.from, rule.fields, place, ctx, problem);
  }
  if (has('each')) return problem('each: needs fields: describing one element');
  if (has('const')) {
    const extra = (['from', ...LEAF_KEYWORDS.filter((k) => k !== 'const')] as const).filter(has);
    return extra.length > 0 ? problem(`const: cannot be combined with ${extra.join(', ')}`) : constant(rule.const);
  }
  if (has('reverse') && !has('code')) return problem('reverse: goes with code: (canonical value → the code of that table)');
  if (has('separator') && !has('join')) return problem('separator: goes with join:');
  if (has('timeZone') && !has('format')) return problem('timeZone: goes with format: local-date-time');
  if (has('join')) {
    if (has('from')) return problem('a rule takes either from: or join:, not both');
    const extra = CONVERSIONS.filter(has);
    if (extra.length > 0) return problem(`join: gives text and cannot be combined with ${extra.join(', ')}`);
    return compileJoin(rule, rule.join ?? [], place, ctx, problem);
  }
  if (rule.from === undefined) return problem('a rule needs from:, join:, const: or fields:');
  if (has('code') && has('date')) return problem('a rule takes either code: or date:, not both');
  const conversions = CONVERSIONS.filter(has);
  if (conversions.length > 1) return problem(`a rule takes one of code:, date:, format:, not ${conversions.join(' and ')}`);
  return compileLeaf(rule, rule.from, place, ctx, problem);
}

function compilePathQuietly(path: string): CompiledPath | undefined {
  try {
    return compilePath(path);
  } catch {
    return undefined; // reported where the path is compiled for use
  }
}

/**
 * The input schema node a source path leads to, or undefined when no input schema is declared or the
 * scope is unknown in it. A path the input schema does not have is a problem at load.
 */
function inputNode(path: CompiledPath, place: Place, ctx: CompileContext, problem: (message: string) => Produce): TargetNode | undefined {
  if (!ctx.input) return undefined;
  let node = path.fromRoot ? ctx.input.root : place.input;
  if (!node) return undefined;
  const scope = path.fromRoot ? '' : place.sourceScope;
  let walked = '';
  for (const step of path.steps) {
    if (step.kind === 'key') {
      walked = walked === '' ? step.key : `${walked}.${step.key}`;
      node = ctx.targets.property(node, step.key);
    } else {
      walked += step.kind === 'all' ? '[]' : `[${step.index}]`;
      node = ctx.targets.items(node as TargetNode);
    }
    if (!node) {
      const shown = scope === '' ? walked : `${scope}.${walked}`;
      problem(step.kind === 'key' ? `the input ${ctx.input.name} has no field ${shown}` : `${shown}: the input ${ctx.input.name} has no list there`);
      return undefined;
    }
  }
  return node;
}

function compilePathOr(path: string, problem: (message: string) => Produce): CompiledPath | undefined {
  try {
    return compilePath(path);
  } catch (error) {
    problem((error as Error).message);
    return undefined;
  }
}

function compileGroup(from: string | undefined, fields: FieldsDefinition, place: Place, ctx: CompileContext, problem: (message: string) => Produce): Produce {
  if (from === undefined) return compileFields(fields, { ...place, definitionPath: `${place.definitionPath}/fields` }, ctx);
  const scopePath = compilePathOr(from, problem);
  if (!scopePath) return NOTHING;
  if (scopePath.spreads) return problem(`from: of a group cannot contain []: use each: for lists`);
  const sourceScope = joinSourceTemplate(place.sourceScope, scopePath);
  const input = inputNode(scopePath, place, ctx, problem);
  const inner = compileFields(fields, { ...place, definitionPath: `${place.definitionPath}/fields`, sourceScope, input }, ctx);
  const get = scopePath.get;
  return (scope, run) => {
    const value = get(scope, run.root);
    return value === undefined || value === null ? undefined : inner(value, run);
  };
}

function compileEach(each: string, fields: FieldsDefinition, place: Place, ctx: CompileContext, problem: (message: string) => Produce): Produce {
  const listPath = compilePathOr(each, problem);
  if (!listPath) return NOTHING;
  if (listPath.spreads) return problem('each: names the list itself, without []');
  const items = ctx.targets.items(place.target);
  if (!items) return problem(`each: needs a list in the target, and ${place.targetTemplate} is not one`);
  const sourceTemplate = joinSourceTemplate(place.sourceScope, listPath);
  const listInput = inputNode(listPath, place, ctx, problem);
  const itemInput = listInput && ctx.targets.items(listInput);
  if (listInput && !itemInput) problem(`each: ${sourceTemplate} is not a list in the input ${ctx.input?.name}`);
  const item = compileFields(fields, { definitionPath: `${place.definitionPath}/fields`, targetTemplate: `${place.targetTemplate}/*`, sourceScope: `${sourceTemplate}[]`, target: items, input: itemInput }, ctx);
  const get = listPath.get;
  const notAList = reporter(place.targetTemplate, sourceTemplate, 'must be a list');
  return (scope, run) => {
    const list = get(scope, run.root);
    if (list === undefined || list === null) return undefined;
    if (!Array.isArray(list)) return notAList(run);
    const out: unknown[] = new Array(list.length);
    const depth = run.indices.push(0) - 1;
    for (let i = 0; i < list.length; i++) {
      run.indices[depth] = i;
      const value = item(list[i], run);
      // An element that yields nothing still takes its place, so the schema names the missing fields.
      out[i] = value === undefined || value === FAILED ? {} : value;
    }
    run.indices.pop();
    return out;
  };
}

/** Turns an input value into the target value, or records an error and returns FAILED. */
type Convert = (value: unknown, run: Run) => unknown;

function compileLeaf(rule: FieldRuleDefinition, from: string, place: Place, ctx: CompileContext, problem: (message: string) => Produce): Produce {
  const path = compilePathOr(from, problem);
  if (!path) return NOTHING;
  const sourceTemplate = joinSourceTemplate(place.sourceScope, path);
  const targetTemplate = path.spreads ? `${place.targetTemplate}/*` : place.targetTemplate;
  if (path.spreads && !ctx.targets.items(place.target)) return problem(`from: with [] gives a list, and ${place.targetTemplate} is not one`);
  inputNode(path, place, ctx, problem);
  const convert = compileConversion(rule, targetTemplate, sourceTemplate, ctx, problem);
  const fallback = rule.default === undefined ? undefined : constant(rule.default);
  const get = path.get;
  if (!path.spreads) {
    return (scope, run) => {
      const value = get(scope, run.root);
      if (value === undefined || value === null) return fallback ? fallback(scope, run) : undefined;
      return convert(value, run);
    };
  }
  const missing = reporter(targetTemplate, sourceTemplate, 'is missing');
  return (scope, run) => {
    const values = get(scope, run.root) as unknown[] | undefined;
    if (values === undefined) return fallback ? fallback(scope, run) : undefined;
    const out: unknown[] = new Array(values.length);
    let failed = false;
    const depth = run.indices.push(0) - 1;
    for (let i = 0; i < values.length; i++) {
      run.indices[depth] = i;
      const value = values[i];
      out[i] = value === undefined || value === null ? missing(run) : convert(value, run);
      if (out[i] === FAILED) failed = true;
    }
    run.indices.pop();
    return failed ? FAILED : out;
  };
}

function compileConversion(rule: FieldRuleDefinition, targetTemplate: string, sourceTemplate: string, ctx: CompileContext, problem: (message: string) => Produce): Convert {
  const convert = compileValueConversion(rule, targetTemplate, sourceTemplate, ctx, problem);
  return rule.case === undefined ? convert : withCase(convert, rule.case, reporter(targetTemplate, sourceTemplate, `must be text to be put in ${rule.case} case`));
}

function withCase(convert: Convert, letterCase: 'upper' | 'lower', notText: (run: Run) => typeof FAILED): Convert {
  const upper = letterCase === 'upper';
  return (value, run) => {
    const converted = convert(value, run);
    if (converted === FAILED) return converted;
    if (typeof converted !== 'string') return notText(run);
    return upper ? converted.toUpperCase() : converted.toLowerCase();
  };
}

function compileValueConversion(rule: FieldRuleDefinition, targetTemplate: string, sourceTemplate: string, ctx: CompileContext, problem: (message: string) => Produce): Convert {
  if (rule.code !== undefined && rule.reverse === true) {
    const table = ctx.codeTables.get(rule.code);
    if (!table) {
      problem(`no code table named ${rule.code}`);
      return copy;
    }
    if (table.sharedValues.length > 0) {
      problem(`reverse: needs one code per value, and code table ${table.name} gives several codes the value(s) ${table.sharedValues.map(quoteCode).join(', ')}`);
      return copy;
    }
    const notAValue = reporter(targetTemplate, sourceTemplate, `must be a value (string) of code table ${table.name}`);
    return (value, run) => {
      if (typeof value !== 'string') return notAValue(run);
      const code = table.codeOf(value);
      if (code !== undefined) return code;
      return report(run, targetTemplate, sourceTemplate, `no code for the value ${quoteCode(value)} in code table ${table.name}`);
    };
  }
  if (rule.format !== undefined) {
    let formatter;
    try {
      formatter = compileFormatter(rule.format, rule.timeZone);
    } catch (error) {
      problem((error as Error).message);
      return copy;
    }
    const format = formatter;
    const invalid = reporter(targetTemplate, sourceTemplate, (DATE_TIME_FORMATS as readonly string[]).includes(rule.format) ? 'is not a canonical date-time (RFC 3339 with an offset)' : 'is not a canonical date (yyyy-MM-dd)');
    return (value, run) => {
      const formatted = typeof value === 'string' ? format(value) : undefined;
      return formatted === undefined ? invalid(run) : formatted;
    };
  }
  if (rule.code !== undefined) {
    const table = ctx.codeTables.get(rule.code);
    if (!table) {
      problem(`no code table named ${rule.code}`);
      return copy;
    }
    const notACode = reporter(targetTemplate, sourceTemplate, `must be a code (string) of table ${table.name}`);
    return (value, run) => {
      if (typeof value !== 'string' && typeof value !== 'number') return notACode(run);
      const code = String(value);
      const canonical = table.lookup(code);
      if (canonical !== undefined) return canonical;
      return report(run, targetTemplate, sourceTemplate, `unknown code ${quoteCode(code)} in code table ${table.name}`);
    };
  }
  if (rule.number !== undefined) {
    // XML text has no numbers: an xs:int arrives as "2026". Digits only (the schema's whitespace collapsed), safe integers only.
    const notAnInteger = reporter(targetTemplate, sourceTemplate, 'is not an integer');
    return (value, run) => {
      if (typeof value === 'number') return Number.isSafeInteger(value) ? value : notAnInteger(run);
      const text = typeof value === 'string' ? value.trim() : '';
      return /^[+-]?[0-9]{1,15}$/.test(text) ? Number(text) : notAnInteger(run);
    };
  }
  if (rule.date !== undefined) {
    const conversion = DATE_CONVERSIONS[rule.date];
    const invalid = reporter(targetTemplate, sourceTemplate, `is not a valid date in format ${rule.date}`);
    return (value, run) => {
      const converted = typeof value === 'string' ? conversion(value) : undefined;
      return converted === undefined ? invalid(run) : converted;
    };
  }
  return copy;
}

/** `join: [paths]`: the values that are there, as text, `separator` between them; none there: the field is absent. */
function compileJoin(rule: FieldRuleDefinition, join: string[], place: Place, ctx: CompileContext, problem: (message: string) => Produce): Produce {
  const getters: Array<CompiledPath['get']> = [];
  const notText: Array<(run: Run) => typeof FAILED> = [];
  for (const part of join) {
    const path = compilePathOr(part, problem);
    if (!path) continue;
    if (path.spreads) return problem('join: parts are single values, without []');
    inputNode(path, place, ctx, problem);
    getters.push(path.get);
    notText.push(reporter(place.targetTemplate, joinSourceTemplate(place.sourceScope, path), 'must be text or a number to be joined'));
  }
  const separator = rule.separator ?? ' ';
  const fallback = rule.default === undefined ? undefined : constant(rule.default);
  const upper = rule.case === 'upper';
  const lower = rule.case === 'lower';
  const count = getters.length;
  return (scope, run) => {
    let out: string | undefined;
    let failed = false;
    for (let i = 0; i < count; i++) {
      const value = getters[i](scope, run.root);
      if (value === undefined || value === null || value === '') continue;
      if (typeof value !== 'string' && typeof value !== 'number') {
        notText[i](run);
        failed = true;
        continue;
      }
      out = out === undefined ? String(value) : `${out}${separator}${value}`;
    }
    if (failed) return FAILED;
    if (out === undefined) return fallback ? fallback(scope, run) : undefined;
    return upper ? out.toUpperCase() : lower ? out.toLowerCase() : out;
  };
}

/** Lists are copied so that the output never aliases the input message. */
const copy: Convert = (value) => (typeof value === 'object' && value !== null && Array.isArray(value) ? value.slice() : value);

/** Each use of a list or object constant gets its own copy, so that no output shares state with another. */
function constant(value: unknown): Produce {
  if (value === null || typeof value !== 'object') return () => value;
  if (Array.isArray(value) && value.length === 0) return () => [];
  return () => copyData(value);
}

/** Deep copy of YAML data (scalars, lists, plain objects): much cheaper than structuredClone per record. */
export function copyData(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyData);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = copyData(item);
  return out;
}

function reporter(targetTemplate: string, sourceTemplate: string, message: string): (run: Run) => typeof FAILED {
  return (run) => report(run, targetTemplate, sourceTemplate, message);
}

function report(run: Run, targetTemplate: string, sourceTemplate: string, message: string): typeof FAILED {
  (run.errors ??= []).push({
    path: fillTemplate(targetTemplate, '*', run.indices),
    source: fillTemplate(sourceTemplate, '[]', run.indices),
    message,
  });
  return FAILED;
}

/** Codes are not personal data, so the message names them; bounded and escaped all the same. */
function quoteCode(code: string): string {
  return JSON.stringify(code.length > 40 ? `${code.slice(0, 40)}…` : code);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
