import { resolveMappingsDir } from './mapping-files';
import { diffValues, findGoldenFiles } from './golden-runner';

describe('golden differences', () => {
  it('names each differing path with both values', () => {
    expect(diffValues({ a: 1, b: { c: 'x', d: [1, 2] } }, { a: 1, b: { c: 'y', d: [1] }, e: true }, '')).toEqual([
      '/b/c: expected "x", got "y"', '/b/d/1: expected 2, got (missing)', '/e: expected (missing), got true',
    ]);
    expect(diffValues({ a: [1] }, { a: [1] }, '')).toEqual([]);
  });
});

describe('golden files of a mapping', () => {
  const dir = resolveMappingsDir();
  it('finds the inbound, the outbound or both goldens of a message', () => {
    expect(findGoldenFiles(dir, 'narsa/licence-check.out')).toEqual(['narsa/licence-check.out.test.yaml']);
    expect(findGoldenFiles(dir, 'narsa/licence-check.in')).toEqual(['narsa/licence-check.test.yaml']);
    expect(findGoldenFiles(dir, 'narsa/licence-check')).toEqual(['narsa/licence-check.out.test.yaml', 'narsa/licence-check.test.yaml']);
    expect(findGoldenFiles(dir, 'narsa')).toEqual(expect.arrayContaining(['narsa/licence-check.out.test.yaml', 'narsa/licence-check.test.yaml', 'narsa/licence-result.test.yaml']));
  });
});
