import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { findGoldenFiles, readGoldenFile, runGoldenCase } from '../app/golden-runner';
import { loadMappingSet, resolveMappingsDir } from '../app/mapping-files';
import { MappingDefinitionError } from '../mappings';

const out = (s: string): boolean => process.stdout.write(s + '\n');

/** `hub mappings test [path]`: the golden examples (all, one partner, or one mapping); exit 1 on a failure. */
export async function runMappingsTest(filter?: string): Promise<void> {
  const dir = resolveMappingsDir();
  const set = await loadMappingSet(dir);
  const files = findGoldenFiles(dir, filter);
  if (files.length === 0) throw new Error(`no golden examples match "${filter}"`);
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const golden = readGoldenFile(dir, file);
    for (const c of golden.cases) {
      const r = runGoldenCase(set, dir, golden, c);
      if (r.ok) { passed++; continue; }
      failed++;
      out(`FAIL ${file} — ${c.name}`);
      for (const d of r.differences) out(`  ${d}`);
    }
  }
  out(`${passed} passed, ${failed} failed (${files.length} golden file${files.length === 1 ? '' : 's'})`);
  if (failed > 0) process.exitCode = 1;
}

/** `hub mappings run <mapping> <input file>`: the mapped output, or the errors with their paths. */
export async function runMappingsRun(mappingId: string, inputFile: string): Promise<void> {
  const set = await loadMappingSet();
  const mapping = set.find(mappingId);
  if (!mapping) throw new Error(`no mapping "${mappingId}" (known: ${set.ids.join(', ')})`);
  const text = readFileSync(inputFile, 'utf8');
  const input: unknown = inputFile.endsWith('.json') ? JSON.parse(text) : parseDocument(text).toJS();
  const result = mapping.map(input);
  if (result.ok) { out(JSON.stringify(result.value, null, 2)); return; }
  for (const e of result.errors) out(`${e.path}${e.source ? ` (from ${e.source})` : ''}: ${e.message}`);
  process.exitCode = 1;
}

/** `hub mappings check`: every mapping and code table compiles; problems name the file and line. */
export async function runMappingsCheck(): Promise<void> {
  const dir = resolveMappingsDir();
  try {
    const set = await loadMappingSet(dir);
    out(`mappings OK: ${set.ids.length} mapping(s) compiled`);
  } catch (err) {
    if (!(err instanceof MappingDefinitionError)) throw err;
    // A problem in a rule names its target field too: the file's pointer says where, the target says what for.
    for (const p of err.problems) out(`${path.join('mappings', p.origin)}:${lineOf(path.join(dir, p.origin), p.path)}: ${p.path}${p.target ? ` (target ${p.target})` : ''} ${p.message}`);
    process.exitCode = 1;
  }
}

/** The line of the node at a JSON pointer in a YAML (or JSON: partner schemas) file (1-based), or of the closest existing parent. */
function lineOf(file: string, pointer: string): number {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
    const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn(segments.slice(0, n).map((s) => (/^\d+$/.test(s) ? Number(s) : s)), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
  } catch { /* unreadable: line 1 */ }
  return 1;
}
