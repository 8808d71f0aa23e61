/**
 * A mapping set: every code table and mapping of the hub, compiled together once. Pure: it takes the
 * parsed content of the files (the loader in app/mapping-files.ts reads them) and returns functions.
 */
import { HubError } from '../../broker/errors';
import { CANONICAL_SCHEMAS, compileCanonicalValidators, isCanonicalName, type CanonicalName, type CanonicalTypes } from '../canonical';
import { checkLabels, compileCodeTable, type CodeTable } from './code-tables';
import { compileFields, FAILED, type CompileContext, type Run } from './compile';
import { compileDefinitionValidators } from './definition-schema';
import { generateMapping, type Generated } from './generate';
import { compilePartnerSchemas, PARTNER_TARGET_PREFIX, type PartnerSchemaSource } from './partner-schemas';
import { targetSchemas, type TargetNode } from './target-schema';
import type { ValidateFunction } from 'ajv';
import type { DefinitionProblem, MappingDefinition, MappingError, MappingResult } from './types';
import { schemaErrors } from './validate-output';

export interface MappingSources {
  /** Code tables by name (the file name without `.yaml`, e.g. `narsa-licence-status`). */
  codeTables: ReadonlyArray<{ name: string; origin: string; content: unknown }>;
  /** Mappings by id (`<partner>/<message>.<in|out>`, e.g. `narsa/licence-check.in`). */
  mappings: ReadonlyArray<{ id: string; origin: string; content: unknown }>;
  /** Partner message schemas by name (`<partner>/<message>`, file `partners/<partner>/schemas/<message>.schema.json`). */
  partnerSchemas?: readonly PartnerSchemaSource[];
}

export interface CompiledMapping<T> {
  readonly id: string;
  /** What the mapping reads, as its file describes it. */
  readonly source: string;
  /** A canonical schema name (inbound), or `partner:<partner>/<message>` (outbound). */
  readonly target: string;
  /** The canonical schema of the input, when the file declares one (`input:`). */
  readonly input?: CanonicalName;
  /** Maps one message; never throws for bad input: the errors say which fields and why. */
  map(input: unknown): MappingResult<T>;
  /** Like map, but throws HubError MAPPING_FAILED (with the field errors) when the input does not map. */
  mapOrThrow(input: unknown): T;
}

export interface MappingSet {
  readonly ids: readonly string[];
  /** The mapping `id`, checked to produce `target`; throws if there is no such mapping. */
  get<K extends CanonicalName>(id: string, target: K): CompiledMapping<CanonicalTypes[K]>;
  /** The mapping `id` whatever it produces (for generic tools such as the golden runner), if any. */
  find(id: string): CompiledMapping<unknown> | undefined;
  codeTable(name: string): CodeTable | undefined;
}

/**
 * The schema and validator of a mapping's target, or why there is none. An `.out` mapping writes a
 * partner message of its own partner; an `.in` mapping writes a canonical document.
 */
function resolveTarget(id: string, target: string, partnerSchemas: ReturnType<typeof compilePartnerSchemas>, validators: Record<string, ValidateFunction>):
  { schema: Record<string, unknown>; validate: ValidateFunction } | string {
  const outbound = id.endsWith('.out');
  if (target.startsWith(PARTNER_TARGET_PREFIX)) {
    const partner = id.split('/')[0];
    if (!outbound) return `${target} is a partner message: only an outbound mapping (<message>.out.yaml) writes one`;
    if (!target.startsWith(`${PARTNER_TARGET_PREFIX}${partner}/`)) return `an outbound mapping of ${partner} writes a message of ${partner} (partner:${partner}/<message>), not ${target}`;
    const compiled = partnerSchemas.get(target);
    if (!compiled) return `no partner schema ${target} (expected in partners/${target.slice(PARTNER_TARGET_PREFIX.length).replace('/', '/schemas/')}.schema.json, and closed)`;
    return compiled;
  }
  if (outbound) return `an outbound mapping writes a partner message: target: partner:<partner>/<message>, not ${target}`;
  if (!isCanonicalName(target)) return `no canonical schema named ${target} (known: ${Object.keys(CANONICAL_SCHEMAS).join(', ')})`;
  return { schema: CANONICAL_SCHEMAS[target], validate: validators[target] };
}

/** The two ways a compiled mapping maps, for the test that proves they agree (generate.test.ts). */
export interface MappingEngines {
  /** The closure tree: the value produced (before validation) and the conversion errors, exactly as reported. */
  closures(input: unknown): { produced: unknown; errors: MappingError[] | undefined };
  /** The generated function (FAILED when a conversion failed); undefined when it could not be generated. */
  generated?: Generated;
}

const ENGINES = new WeakMap<CompiledMapping<unknown>, MappingEngines>();

export function enginesOf(mapping: CompiledMapping<unknown>): MappingEngines | undefined {
  return ENGINES.get(mapping);
}

/**
 * The generated function of a mapping, or undefined (the closures alone then map). Generation follows a definition
 * compile.ts accepted; should it fail all the same, the hub still maps, slower (generate.test.ts fails then).
 */
function generateOrNot(fields: MappingDefinition['fields'], codeTables: ReadonlyMap<string, CodeTable>): Generated | undefined {
  try {
    return generateMapping(fields, codeTables);
  } catch {
    return undefined;
  }
}

/** Every problem of every file, reported together: fixing one file at a time is slow. */
export class MappingDefinitionError extends HubError {
  readonly problems: readonly DefinitionProblem[];

  constructor(problems: readonly DefinitionProblem[]) {
    const summary = problems.slice(0, 5).map((p) => `${p.origin}#${p.path}${p.target ? ` (target ${p.target})` : ''}: ${p.message}`).join('; ');
    super('CONFIG_INVALID', `mappings do not compile: ${summary}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`, {
      errors: problems.map((p) => ({ path: `${p.origin}#${p.path}`, message: p.target ? `(target ${p.target}) ${p.message}` : p.message })),
    });
    this.name = 'MappingDefinitionError';
    this.problems = problems;
  }
}

export function compileMappingSet(sources: MappingSources): MappingSet {
  const definitions = compileDefinitionValidators();
  const problems: DefinitionProblem[] = [];

  const codeTables = new Map<string, CodeTable>();
  for (const { name, origin, content } of sources.codeTables) {
    const checked = definitions.codeTable(origin, content);
    problems.push(...checked.problems);
    if (!checked.definition) continue;
    problems.push(...checkLabels(origin, checked.definition));
    if (codeTables.has(name)) problems.push({ origin, path: '/', message: `a second code table is named ${name}` });
    codeTables.set(name, compileCodeTable(name, checked.definition));
  }

  const validators = compileCanonicalValidators() as unknown as Record<string, ValidateFunction>;
  const partnerSchemas = compilePartnerSchemas(sources.partnerSchemas ?? [], problems);
  const targets = targetSchemas([...Object.values(CANONICAL_SCHEMAS), ...[...partnerSchemas.values()].map((p) => p.schema)]);
  const mappings = new Map<string, CompiledMapping<unknown>>();
  for (const { id, origin, content } of sources.mappings) {
    const checked = definitions.mapping(origin, content);
    problems.push(...checked.problems);
    const definition = checked.definition;
    if (!definition) continue;
    if (mappings.has(id)) problems.push({ origin, path: '/', message: `a second mapping has the id ${id}` });
    const resolved = resolveTarget(id, definition.target, partnerSchemas, validators);
    if (typeof resolved === 'string') {
      problems.push({ origin, path: '/target', message: resolved });
      continue;
    }
    const target = definition.target;
    const input = definition.input;
    if (input !== undefined && !isCanonicalName(input)) {
      problems.push({ origin, path: '/input', message: `no canonical schema named ${input} (known: ${Object.keys(CANONICAL_SCHEMAS).join(', ')})` });
      continue;
    }
    const ctx: CompileContext = { origin, codeTables, targets, problems, ...(input ? { input: { name: input, root: targets.root(CANONICAL_SCHEMAS[input]) } } : {}) };
    const root: TargetNode = targets.root(resolved.schema);
    const problemsBefore = problems.length;
    const produce = compileFields(definition.fields, { definitionPath: '/fields', targetTemplate: '', sourceScope: '', target: root, ...(ctx.input ? { input: ctx.input.root } : {}) }, ctx);
    const generated = problems.length === problemsBefore ? generateOrNot(definition.fields, codeTables) : undefined;
    const validator = resolved.validate;
    const validate = validator as (value: unknown) => boolean;
    const validateErrors = (): Parameters<typeof schemaErrors>[0] => (validator.errors ?? []);

    const closures = (input: unknown): { produced: unknown; errors: MappingError[] | undefined } => {
      const run: Run = { root: input, errors: undefined, indices: [] };
      return { produced: produce(input, run), errors: run.errors };
    };
    /** The closure tree and its error reports: the whole work without a generated function, the error path with one. */
    const mapByClosures = (input: unknown): MappingResult<unknown> => {
      const { produced, errors } = closures(input);
      const value = produced === undefined || produced === FAILED ? {} : produced;
      if (validate(value) && errors === undefined) return { ok: true, value };
      return { ok: false, errors: [...(errors ?? []), ...schemaErrors(validateErrors(), errors)] };
    };
    const fast = generated?.run;
    const map = fast === undefined ? mapByClosures : (input: unknown): MappingResult<unknown> => {
      const value = fast(input);
      if (value !== FAILED && validate(value)) return { ok: true, value };
      return mapByClosures(input);
    };
    const compiled: CompiledMapping<unknown> = {
      id,
      source: definition.source,
      target,
      ...(input ? { input } : {}),
      map,
      mapOrThrow: (input) => {
        const result = map(input);
        if (result.ok) return result.value;
        throw new HubError('MAPPING_FAILED', `${id}: the message does not map (${result.errors.length} error(s))`, { errors: result.errors });
      },
    };
    mappings.set(id, compiled);
    ENGINES.set(compiled, { closures, ...(generated ? { generated } : {}) });
  }

  if (problems.length > 0) throw new MappingDefinitionError(problems);

  return {
    ids: [...mappings.keys()],
    get<K extends CanonicalName>(id: string, target: K): CompiledMapping<CanonicalTypes[K]> {
      const mapping = mappings.get(id);
      if (!mapping) throw new HubError('CONFIG_INVALID', `no mapping ${id} (known: ${[...mappings.keys()].join(', ')})`);
      if (mapping.target !== target) throw new HubError('CONFIG_INVALID', `mapping ${id} produces ${mapping.target}, not ${target}`);
      // The output was validated against the schema of `target`, which is what CanonicalTypes[K] describes.
      return mapping as CompiledMapping<CanonicalTypes[K]>;
    },
    find: (id) => mappings.get(id),
    codeTable: (name) => codeTables.get(name),
  };
}
