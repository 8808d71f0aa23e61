import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSchema, replaceGeneratedTable } from '../_kit/describe-schema';
import { amqpConfigSchema } from './config-schema';

const readmePath = join(__dirname, 'README.md');

describe('AMQP connector README', () => {
  it('documents exactly the settings of the config schema', () => {
    const readme = readFileSync(readmePath, 'utf8');
    const expected = replaceGeneratedTable(readme, describeSchema(amqpConfigSchema));
    // UPDATE_DOCS=1 regenerates the table instead of failing (then commit the README).
    if (process.env.UPDATE_DOCS === '1' && expected !== readme) writeFileSync(readmePath, expected);
    else expect(readme).toBe(expected);
  });
});
