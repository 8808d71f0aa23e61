/**
 * The generated function of each mapping (generate.ts) must agree with the closure tree (compile.ts): the same
 * output, same keys in the same order, whenever the closures record no error; FAILED whenever they record one (the
 * closures then report the errors). Checked on every golden input of every mapping in the repo, and on variants of
 * each input with one value removed, nulled or replaced by a value of another type.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { findGoldenFiles, readGoldenFile } from '../../app/golden-runner';
import { loadMappingSet, resolveMappingsDir } from '../../app/mapping-files';
import type { MappingSet } from '../index';
import { FAILED } from './compile';
import { disagreement } from './generate-agreement';

const mappingsDir = resolveMappingsDir();
const goldenFiles = findGoldenFiles(mappingsDir).map((file) => readGoldenFile(mappingsDir, file));

let mappingSet: MappingSet;
beforeAll(async () => {
  mappingSet = await loadMappingSet(mappingsDir);
});

function inputOf(goldenFile: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = readFileSync(path.resolve(mappingsDir, 'partners', path.dirname(goldenFile), value), 'utf8');
  return value.endsWith('.json') ? JSON.parse(text) : parse(text);
}

type Path = Array<string | number>;

/** Every place in a message (objects' keys, lists' elements), parents first. */
function places(value: unknown, at: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const keys: Array<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...at, key], ...places((value as Record<string | number, unknown>)[key], [...at, key])]);
}

const REPLACEMENTS: ReadonlyArray<{ name: string; value?: unknown }> = [
  { name: 'removed' }, { name: 'null', value: null }, { name: 'a number', value: 7 }, { name: 'text', value: 'x' },
  { name: 'a date', value: '2020-02-30' }, { name: 'an empty list', value: [] }, { name: 'an empty object', value: {} }, { name: 'true', value: true },
];

/** The input with the value at `at` replaced (or removed), and a single value wrapped in a list of one. */
function variants(input: unknown): Array<{ name: string; input: unknown }> {
  const out: Array<{ name: string; input: unknown }> = [];
  for (const at of places(input)) {
    const edit = (name: string, change: (parent: Record<string | number, unknown>, key: string | number) => void): void => {
      const copy = structuredClone(input) as Record<string | number, unknown>;
      const parent = at.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy);
      change(parent, at[at.length - 1]);
      out.push({ name: `${at.join('.')} ${name}`, input: copy });
    };
    for (const replacement of REPLACEMENTS) {
      edit(replacement.name, (parent, key) => {
        if (!('value' in replacement)) delete parent[key];
        else parent[key] = structuredClone(replacement.value);
      });
    }
    edit('in a list of one', (parent, key) => { parent[key] = [parent[key]]; });
  }
  return out;
}

it('generates a function for every mapping in the repo', () => {
  expect(mappingSet.ids.filter((id) => disagreement(mappingSet, id, {}) === 'not generated')).toEqual([]);
});

/** Golden file → how many inputs both ways failed to convert. */
const failures = new Map<string, number>();

describe.each(goldenFiles.map((g) => [g.file, g] as const))('%s', (_file, golden) => {
  it('agrees with the closures on every golden input and its variants', () => {
    const differences: string[] = [];
    let compared = 0;
    let failedBoth = 0;
    for (const testCase of golden.cases) {
      const input = inputOf(golden.file, testCase.input);
      for (const variant of [{ name: 'as is', input }, ...variants(input)]) {
        const found = disagreement(mappingSet, golden.mapping, variant.input);
        compared++;
        if (found === FAILED) failedBoth++;
        else if (found !== undefined) differences.push(`${testCase.name}, ${variant.name}: ${found}`);
      }
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(golden.cases.length);
    failures.set(golden.file, failedBoth);
  });
});

// After the files above (jest runs a file's tests in order): the variants reach the error path, not only mapped values.
it('compares failures too, not only mapped values', () => {
  expect(failures.size).toBe(goldenFiles.length);
  expect([...failures.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
});
