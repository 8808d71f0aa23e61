/**
 * The compiled NARSA mapping must not be what bounds a batch (DESIGN.md §8: JSONata manages 38k
 * records/s). Compiled by tsc and run by plain node it maps about 430k records/s on the 2-core
 * reference machine, output validation included; inside jest (vm context, ts-jest) the same code runs
 * about 2.5 times slower. The bound asserted here is far below both, so that a busy CI runner does not
 * make it flaky, yet it catches a regression to interpreter speed; the figure is printed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadMappingSet } from '../app/mapping-files';

it('maps NARSA answers far faster than an interpreted mapping, schema validation included', async () => {
  const set = await loadMappingSet();
  const mapping = set.get('narsa/licence-check.in', 'licence-verification');
  const fixture = JSON.parse(readFileSync(path.join(__dirname, 'partners/narsa/fixtures/youssef-benani-suspendu.json'), 'utf8')) as object;
  // Distinct objects, as a batch would have, so that nothing is cached by identity.
  const inputs = Array.from({ length: 1000 }, (_, i) => structuredClone({ ...fixture, seq: i }));
  for (const input of inputs) mapping.map(input); // warm-up: let V8 optimise

  const records = 200_000;
  const started = process.hrtime.bigint();
  let valid = 0;
  for (let i = 0; i < records; i++) if (mapping.map(inputs[i % inputs.length]).ok) valid++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = Math.round(records / seconds);
  process.stdout.write(`narsa/licence-check.in: ${perSecond} records/s\n`);
  expect(valid).toBe(records);
  expect(perSecond).toBeGreaterThan(50_000);
});
