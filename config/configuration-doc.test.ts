import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSchema, replaceGeneratedTable } from '../connectors/_kit/describe-schema';
import type { ConfigSchema } from '../connectors/_kit/config-schema-types';
import { hubConfigSchema } from './schema';

const docPath = join(__dirname, '..', 'docs', 'configuration.md');

describe('docs/configuration.md', () => {
  it('documents exactly the settings of the hub configuration schema', () => {
    const doc = readFileSync(docPath, 'utf8');
    const expected = replaceGeneratedTable(doc, describeSchema(hubConfigSchema as unknown as ConfigSchema));
    // UPDATE_DOCS=1 regenerates the table instead of failing (then commit the doc).
    if (process.env.UPDATE_DOCS === '1' && expected !== doc) writeFileSync(docPath, expected);
    else expect(doc).toBe(expected);
  });
});
