/**
 * The one golden runner: every `*.test.yaml` under mappings/partners/ names a mapping and lists cases;
 * each case maps its input and must give exactly the expected output or exactly the expected errors.
 * Adding a golden file needs no change here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadMappingSet, resolveMappingsDir } from '../app/mapping-files';
import type { MappingError, MappingSet } from './index';

interface GoldenCase {
  name: string;
  input: unknown;
  expect?: unknown;
  expectErrors?: MappingError[];
}

interface GoldenFile {
  mapping: string;
  cases: GoldenCase[];
}

const mappingsDir = resolveMappingsDir();
const partnersDir = path.join(mappingsDir, 'partners');

// jest collects tests synchronously, so the golden files are found with the sync API.
const goldenFiles = readdirSync(partnersDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.yaml'))
  .map((file) => file.split(path.sep).join('/'))
  .sort();

function readGolden(file: string): GoldenFile {
  return parse(readFileSync(path.join(partnersDir, file), 'utf8')) as GoldenFile;
}

/** A string is a fixture file next to the golden file (JSON or YAML); anything else is the value inline. */
function resolveValue(value: unknown, goldenFile: string): unknown {
  if (typeof value !== 'string') return value;
  const text = readFileSync(path.resolve(partnersDir, path.dirname(goldenFile), value), 'utf8');
  return value.endsWith('.json') ? JSON.parse(text) : parse(text);
}

let mappingSet: MappingSet;
beforeAll(async () => {
  mappingSet = await loadMappingSet(mappingsDir);
});

it('every mapping has golden examples', () => {
  expect(goldenFiles.length).toBeGreaterThan(0);
  const tested = new Set(goldenFiles.map((file) => readGolden(file).mapping));
  expect(mappingSet.ids.filter((id) => !tested.has(id))).toEqual([]);
});

describe.each(goldenFiles)('%s', (file) => {
  const golden = readGolden(file);

  it('names a mapping that exists and has cases', () => {
    expect(mappingSet.find(golden.mapping)?.id).toBe(golden.mapping);
    expect(golden.cases.length).toBeGreaterThan(0);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const mapping = mappingSet.find(golden.mapping);
    if (!mapping) throw new Error(`no mapping ${golden.mapping}`);
    const result = mapping.map(resolveValue(testCase.input, file));
    if (testCase.expectErrors !== undefined) {
      expect(result.ok ? { unexpectedValue: result.value } : { errors: result.errors }).toEqual({ errors: testCase.expectErrors });
    } else {
      expect(result.ok ? { value: result.value } : { unexpectedErrors: result.errors }).toEqual({ value: resolveValue(testCase.expect, file) });
    }
  });
});
