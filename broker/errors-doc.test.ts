import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE } from './errors';

/** docs/errors.md is what front-end and partner teams read: every code, its status and retryability, nothing else. */
describe('error catalogue documentation', () => {
  const doc = readFileSync(path.join(__dirname, '..', 'docs', 'errors.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (yes|no) \|/gm)].map((m) => ({ code: m[1], status: Number(m[2]), retryable: m[3] === 'yes' }));

  it('documents every code of the catalogue with its HTTP status and retryability', () => {
    const expected = Object.entries(ERROR_CATALOGUE).map(([code, spec]) => ({ code, status: spec.status, retryable: spec.retryable }));
    expect(rows.sort((a, b) => a.code.localeCompare(b.code))).toEqual(expected.sort((a, b) => a.code.localeCompare(b.code)));
  });
});
