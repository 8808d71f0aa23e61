/**
 * Reads the mapping files from disk and compiles them. This is the only place that does I/O for
 * mappings: mappings/ itself is pure (lint-enforced), so it receives parsed content from here.
 *
 * Layout read (see mappings/README.md):
 *   mappings/codes/<name>.yaml                          code tables, by name
 *   mappings/partners/<partner>/<message>.<in|out>.yaml mappings, id `<partner>/<message>.<in|out>`
 *   mappings/partners/<partner>/schemas/<message>.schema.json   partner message schemas (targets of `.out` mappings)
 * `*.test.yaml` files and `fixtures/` folders are golden examples, read by mappings/golden.test.ts only.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { compileMappingSet, MappingDefinitionError, type DefinitionProblem, type MappingSet, type MappingSources } from '../mappings';

const MAPPING_FILE = /\.(in|out)\.yaml$/;
const GOLDEN_FILE = /\.test\.yaml$/;

/**
 * The mappings folder of the repository. YAML files are not copied to dist/, so from dist/app the
 * folder is two levels up; under ts-jest (app/) it is one level up. The one with code tables wins.
 */
export function resolveMappingsDir(): string {
  // An engineer trying a change on a copy (or a test) points the hub at another folder.
  if (process.env.HUB_MAPPINGS_DIR) return path.resolve(process.env.HUB_MAPPINGS_DIR);
  const candidates = [path.resolve(__dirname, '..', 'mappings'), path.resolve(__dirname, '..', '..', 'mappings')];
  const found = candidates.find((dir) => {
    const codes = path.join(dir, 'codes');
    return existsSync(codes) && readdirSync(codes).some((file) => file.endsWith('.yaml'));
  });
  if (!found) throw new MappingDefinitionError([{ origin: candidates.join(' or '), path: '/', message: 'no mappings folder with codes/*.yaml' }]);
  return found;
}

/** Reads and parses every code table and mapping file; throws MappingDefinitionError listing every unreadable file. */
export async function readMappingSources(dir: string = resolveMappingsDir()): Promise<MappingSources> {
  const problems: DefinitionProblem[] = [];
  const codesDir = path.join(dir, 'codes');
  const codeFiles = (await readdir(codesDir)).filter((file) => file.endsWith('.yaml')).sort();
  const codeTables = await Promise.all(codeFiles.map(async (file) => ({
    name: file.slice(0, -'.yaml'.length),
    origin: path.posix.join('codes', file),
    content: await readYaml(path.join(codesDir, file), problems, path.posix.join('codes', file)),
  })));

  const partnersDir = path.join(dir, 'partners');
  const partnerFiles = existsSync(partnersDir) ? await listYamlFiles(partnersDir) : [];
  const mappings: Array<MappingSources['mappings'][number]> = [];
  for (const relative of partnerFiles) {
    const origin = path.posix.join('partners', relative);
    if (GOLDEN_FILE.test(relative)) continue;
    if (!MAPPING_FILE.test(relative)) {
      problems.push({ origin, path: '/', message: 'a YAML file under partners/ must be <message>.in.yaml, <message>.out.yaml or <message>.test.yaml' });
      continue;
    }
    mappings.push({ id: relative.slice(0, -'.yaml'.length), origin, content: await readYaml(path.join(partnersDir, relative), problems, origin) });
  }
  const partnerSchemas = existsSync(partnersDir) ? await readPartnerSchemas(partnersDir, problems) : [];
  if (problems.length > 0) throw new MappingDefinitionError(problems);
  return { codeTables, mappings, partnerSchemas };
}

/** `partners/<partner>/schemas/<message>.schema.json`, named `<partner>/<message>`. */
async function readPartnerSchemas(partnersDir: string, problems: DefinitionProblem[]): Promise<NonNullable<MappingSources['partnerSchemas']>> {
  const out: Array<NonNullable<MappingSources['partnerSchemas']>[number]> = [];
  const partners = (await readdir(partnersDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  for (const partner of partners) {
    const schemasDir = path.join(partnersDir, partner, 'schemas');
    if (!existsSync(schemasDir)) continue;
    for (const file of (await readdir(schemasDir)).sort()) {
      const origin = path.posix.join('partners', partner, 'schemas', file);
      if (!file.endsWith('.schema.json')) {
        problems.push({ origin, path: '/', message: 'a file under partners/<partner>/schemas/ must be <message>.schema.json' });
        continue;
      }
      try {
        out.push({ name: `${partner}/${file.slice(0, -'.schema.json'.length)}`, origin, content: JSON.parse(await readFile(path.join(schemasDir, file), 'utf8')) });
      } catch (error) {
        problems.push({ origin, path: '/', message: `not valid JSON (${(error as Error).message})` });
      }
    }
  }
  return out;
}

/** Reads, parses and compiles all mappings: call once at start and keep the set. */
export async function loadMappingSet(dir?: string): Promise<MappingSet> {
  return compileMappingSet(await readMappingSources(dir));
}

/** YAML files under `root`, as posix paths relative to it, skipping `fixtures/` folders; sorted. */
export async function listYamlFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relative) => !relative.split('/').includes('fixtures'))
    .sort();
}

async function readYaml(file: string, problems: DefinitionProblem[], origin: string): Promise<unknown> {
  // Core schema, unique keys and the default alias limit: a mapping file is data, never a YAML bomb.
  const document = parseDocument(await readFile(file, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  for (const error of document.errors) problems.push({ origin, path: '/', message: error.message });
  return document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 100 });
}
