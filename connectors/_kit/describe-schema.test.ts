import type { ConfigSchema } from './config-schema-types';
import { describeSchema, GENERATED_TABLE_END, GENERATED_TABLE_START, replaceGeneratedTable } from './describe-schema';

const schema: ConfigSchema = {
  type: 'object',
  required: ['baseUrl'],
  properties: {
    baseUrl: { type: 'string', format: 'uri', description: 'Base URL.' },
    method: { type: 'string', enum: ['GET', 'POST'], default: 'GET', description: 'Verb.' },
    passphrase: { type: 'string', secret: true, description: 'Unlocks the key.' },
    answers: { type: 'array', items: { type: 'integer' }, minItems: 1, default: [200] },
    ops: { type: 'object', description: 'By name.', additionalProperties: { type: 'object', properties: { path: { type: 'string', description: 'a | b' } } } },
  },
};

describe('describeSchema', () => {
  it('renders one row per setting with dotted paths, types, required, defaults, secret marks', () => {
    expect(describeSchema(schema).split('\n')).toEqual([
      '| Setting | Type | Required | Default | Description |',
      '|---|---|---|---|---|',
      '| `baseUrl` | string (uri) | yes |  | Base URL. |',
      '| `method` | "GET" \\| "POST" | no | `"GET"` | Verb. |',
      '| `passphrase` | string | no |  | **Secret.** Unlocks the key. |',
      '| `answers` | array of integer | no | `[200]` | (at least 1 item(s)) |',
      '| `ops` | map of object | no |  | By name. |',
      '| `ops.<name>` | object | yes |  |  |',
      '| `ops.<name>.path` | string | no |  | a \\| b |',
    ]);
  });

  it('replaces only the generated block of a README', () => {
    const readme = `# T\n\nintro\n\n${GENERATED_TABLE_START}\nold\n${GENERATED_TABLE_END}\n\noutro\n`;
    expect(replaceGeneratedTable(readme, 'new')).toBe(`# T\n\nintro\n\n${GENERATED_TABLE_START}\nnew\n${GENERATED_TABLE_END}\n\noutro\n`);
    expect(() => replaceGeneratedTable('# no markers', 'x')).toThrow('markers');
  });
});
