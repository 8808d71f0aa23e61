/**
 * The NARSA result record mapping (licence-result.in, output validation included) over many distinct
 * records: every one maps, and the rate is printed. It asserts no speed: a shared CI runner would make
 * that flaky, and the figure inside jest (vm context, ts-jest) is not the product's anyway. The speed
 * target (≥ 500,000 records/s with plain node) is measured by `npm run bench` (docs/performance.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadMappingSet } from '../app/mapping-files';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, 'partners/narsa/fixtures', name), 'utf8')) as Record<string, unknown>;

it('maps 200,000 NARSA result records, each validated against the canonical schema, and prints the rate', async () => {
  const mapping = (await loadMappingSet()).get('narsa/licence-result.in', 'licence-verification');
  const found = [fixture('result-amina-el-fassi-found.json'), fixture('result-youssef-benani-suspended.json')];
  // Distinct objects, as a batch would have, so that nothing is cached by identity; the four outcomes of a results file.
  const inputs = Array.from({ length: 1000 }, (_, i): unknown => {
    const requestId = `5d1c2a7e-0b7a-4d5e-9f61-${String(i).padStart(12, '0')}`;
    if (i % 8 === 6) return { requestId, outcome: 'NOT_FOUND', request: { licenceNumber: `99/${String(i).padStart(6, '0')}` }, receivedAt: '2026-11-27T02:10:00+01:00' };
    if (i % 8 === 7) return { requestId, outcome: 'MISMATCH', request: { licenceNumber: '12/345678' }, receivedAt: '2026-11-27T02:10:00+01:00' };
    return structuredClone({ ...found[i % 2], requestId });
  });
  for (const input of inputs) mapping.map(input); // warm-up: let V8 optimise

  const records = 200_000;
  const started = process.hrtime.bigint();
  let valid = 0;
  for (let i = 0; i < records; i++) if (mapping.map(inputs[i % inputs.length]).ok) valid++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`narsa/licence-result.in under jest: ${Math.round(records / seconds)} records/s (not a target; see npm run bench)\n`);
  expect(valid).toBe(records);
});
