/**
 * Runs every golden example of every mapping (app/golden-runner.ts, the same runner as `hub mappings test`).
 * Adding a golden file needs no change here.
 */
import { findGoldenFiles, readGoldenFile, runGoldenCase } from '../app/golden-runner';
import { loadMappingSet, resolveMappingsDir } from '../app/mapping-files';
import type { MappingSet } from './index';

const mappingsDir = resolveMappingsDir();
// jest collects tests synchronously: the golden files are found with the sync API.
const goldenFiles = findGoldenFiles(mappingsDir).map((file) => readGoldenFile(mappingsDir, file));

let mappingSet: MappingSet;
beforeAll(async () => {
  mappingSet = await loadMappingSet(mappingsDir);
});

it('every mapping has golden examples', () => {
  expect(goldenFiles.length).toBeGreaterThan(0);
  const tested = new Set(goldenFiles.map((golden) => golden.mapping));
  expect(mappingSet.ids.filter((id) => !tested.has(id))).toEqual([]);
});

describe.each(goldenFiles.map((g) => [g.file, g] as const))('%s', (_file, golden) => {
  it('names a mapping that exists and has cases', () => {
    expect(mappingSet.find(golden.mapping)?.id).toBe(golden.mapping);
    expect(golden.cases.length).toBeGreaterThan(0);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    expect(runGoldenCase(mappingSet, mappingsDir, golden, testCase).differences).toEqual([]);
  });
});
