import { existsSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The repository root (where package.json lives). Code runs both from sources (ts-jest) and from `dist/`,
 * while data files (catalogue, mappings) stay in the source tree: resolve them from here, never from __dirname.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  cached = dir;
  return dir;
}
