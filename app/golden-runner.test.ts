import { diffValues } from './golden-runner';

describe('golden differences', () => {
  it('names each differing path with both values', () => {
    expect(diffValues({ a: 1, b: { c: 'x', d: [1, 2] } }, { a: 1, b: { c: 'y', d: [1] }, e: true }, '')).toEqual([
      '/b/c: expected "x", got "y"', '/b/d/1: expected 2, got (missing)', '/e: expected (missing), got true',
    ]);
    expect(diffValues({ a: [1] }, { a: [1] }, '')).toEqual([]);
  });
});
