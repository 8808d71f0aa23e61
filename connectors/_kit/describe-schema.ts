/**
 * Renders a connector's config schema as a markdown table, so that its README is generated from the
 * one source of truth; a test per connector fails when the README drifts from the schema.
 */
import type { ConfigSchema } from './config-schema-types';

export const GENERATED_TABLE_START = '<!-- config-table:start (generated from the config schema by describeSchema: do not edit by hand) -->';
export const GENERATED_TABLE_END = '<!-- config-table:end -->';

interface Row { path: string; type: string; required: boolean; defaultValue: string; description: string }

function typeOf(schema: ConfigSchema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object' && !schema.properties) {
    return `map of ${typeOf(schema.additionalProperties)}`;
  }
  const base = schema.type ?? 'any';
  return schema.format ? `${base} (${schema.format})` : base;
}

function constraintsOf(schema: ConfigSchema): string[] {
  const out: string[] = [];
  if (schema.minimum !== undefined) out.push(`min ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`max ${schema.maximum}`);
  if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`);
  if (schema.minItems !== undefined) out.push(`at least ${schema.minItems} item(s)`);
  if (schema.pattern !== undefined) out.push(`pattern \`${schema.pattern}\``);
  return out;
}

function collect(schema: ConfigSchema, path: string, required: boolean, rows: Row[]): void {
  if (path !== '') {
    const constraints = constraintsOf(schema);
    const description = [
      schema.secret ? '**Secret.**' : '',
      schema.description ?? '',
      constraints.length > 0 ? `(${constraints.join(', ')})` : '',
    ].filter((s) => s !== '').join(' ');
    rows.push({ path, type: typeOf(schema), required, defaultValue: schema.default === undefined ? '' : `\`${JSON.stringify(schema.default)}\``, description });
  }
  const prefix = path === '' ? '' : `${path}.`;
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    collect(child, `${prefix}${name}`, (schema.required ?? []).includes(name), rows);
  }
  if (typeof schema.additionalProperties === 'object') collect(schema.additionalProperties, `${prefix}<name>`, true, rows);
  if (schema.type === 'array' && schema.items && (schema.items.properties || schema.items.type === 'object')) {
    collect(schema.items, `${path}[]`, true, rows);
  }
}

const escapeCell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/(?<!\\)\|/g, '\\|');

/** Markdown table of every setting: dotted path, type, whether required, default, description. */
export function describeSchema(schema: ConfigSchema): string {
  const rows: Row[] = [];
  collect(schema, '', true, rows);
  const lines = ['| Setting | Type | Required | Default | Description |', '|---|---|---|---|---|'];
  for (const row of rows) {
    lines.push(`| \`${row.path}\` | ${escapeCell(row.type)} | ${row.required ? 'yes' : 'no'} | ${escapeCell(row.defaultValue)} | ${escapeCell(row.description)} |`);
  }
  return lines.join('\n');
}

/** The README with its generated block replaced by `table`; throws if the markers are missing. */
export function replaceGeneratedTable(readme: string, table: string): string {
  const start = readme.indexOf(GENERATED_TABLE_START);
  const end = readme.indexOf(GENERATED_TABLE_END);
  if (start < 0 || end < start) throw new Error('README lacks the config-table markers');
  return `${readme.slice(0, start + GENERATED_TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
