/**
 * The golden examples of the mappings (`mappings/partners/<partner>/<message>.test.yaml` + `fixtures/`): found,
 * read and run here, for `npm test` (mappings/golden.test.ts) and for engineers (`hub mappings test`).
 * A case passes when the mapping gives exactly the expected value, or exactly the expected errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { MappingError, MappingSet } from '../mappings';

export interface GoldenCase { name: string; input: unknown; expect?: unknown; expectErrors?: MappingError[] }
export interface GoldenFile { file: string; mapping: string; cases: GoldenCase[] }
export interface CaseResult { file: string; mapping: string; name: string; ok: boolean; differences: string[] }

/** Golden files under `<mappingsDir>/partners`, as posix paths relative to it; `filter` keeps those under a partner or matching a path. */
export function findGoldenFiles(mappingsDir: string, filter?: string): string[] {
  const partnersDir = path.join(mappingsDir, 'partners');
  const wanted = filter?.replace(/^mappings\/partners\//, '').replace(/^partners\//, '').replace(/\/$/, '');
  return readdirSync(partnersDir, { recursive: true, encoding: 'utf8' })
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => file.endsWith('.test.yaml'))
    .filter((file) => !wanted || file === wanted || file.startsWith(wanted + '/') || goldenFilesOf(wanted).includes(file))
    .sort();
}

/**
 * The golden files of a mapping named without its folder's extension: `narsa/licence-check` → both
 * directions; `narsa/licence-check.in` → `licence-check.test.yaml`; `narsa/licence-check.out` → `licence-check.out.test.yaml`.
 */
function goldenFilesOf(mapping: string): string[] {
  const match = /^(.*?)(?:\.(in|out))?(?:\.yaml)?$/.exec(mapping);
  const base = match?.[1] ?? mapping;
  if (match?.[2] === 'out') return [`${base}.out.test.yaml`];
  if (match?.[2] === 'in') return [`${base}.test.yaml`];
  return [`${base}.test.yaml`, `${base}.out.test.yaml`];
}

export function readGoldenFile(mappingsDir: string, file: string): GoldenFile {
  const doc = parse(readFileSync(path.join(mappingsDir, 'partners', file), 'utf8')) as { mapping: string; cases: GoldenCase[] };
  return { file, mapping: doc.mapping, cases: doc.cases ?? [] };
}

/** A string input or expectation names a fixture file next to the golden file (JSON or YAML). */
function resolveValue(mappingsDir: string, goldenFile: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = readFileSync(path.resolve(mappingsDir, 'partners', path.dirname(goldenFile), value), 'utf8');
  return value.endsWith('.json') ? JSON.parse(text) : parse(text);
}

export function runGoldenCase(set: MappingSet, mappingsDir: string, golden: GoldenFile, c: GoldenCase): CaseResult {
  const base = { file: golden.file, mapping: golden.mapping, name: c.name };
  const mapping = set.find(golden.mapping);
  if (!mapping) return { ...base, ok: false, differences: [`no mapping "${golden.mapping}"`] };
  const result = mapping.map(resolveValue(mappingsDir, golden.file, c.input));
  const wantsErrors = c.expectErrors !== undefined;
  if (wantsErrors && result.ok) return { ...base, ok: false, differences: ['expected errors, got a value:', ...(c.expectErrors ?? []).map((e) => `  expected ${e.path}: ${e.message}`)] };
  if (!wantsErrors && !result.ok) return { ...base, ok: false, differences: ['expected a value, got errors:', ...result.errors.map((e) => `  ${e.path}: ${e.message}`)] };
  const differences = result.ok
    ? diffValues(resolveValue(mappingsDir, golden.file, c.expect), result.value, '')
    : diffValues(c.expectErrors, result.errors, '');
  return { ...base, ok: differences.length === 0, differences };
}

/** Readable differences, one line per path: `/value/outcome: expected "valid", got "suspended"`. */
export function diffValues(expected: unknown, actual: unknown, at: string): string[] {
  const show = (v: unknown): string => (v === undefined ? '(missing)' : JSON.stringify(v));
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((k) => diffValues(expected[k], actual[k], `${at}/${k}`));
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) out.push(...diffValues(expected[i], actual[i], `${at}/${i}`));
    return out;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [`${at || '/'}: expected ${show(expected)}, got ${show(actual)}`];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
