/**
 * `node dist/bench/xml-batch-promotion.js`: what made the streamed XML batch's peak grow with the file (docs/performance.md,
 * NARSA results XML, "Memory"), reduced to its cause. Each way of building a record's mapping input runs in its own
 * process under `--trace-gc-nvp`; the bytes the scavenger promoted to the old generation are summed from that trace.
 * Records come in batches of 100, each built record handed to an async callback, as `streamXmlRecords` does; the
 * input is garbage once built. Only `{ ...record, more }` is promoted: the spread copy given more properties.
 */
import { fork } from 'node:child_process';

const BUILDS = {
  literal: (r: Rec) => ({ requestId: r.requestId, outcome: r.outcome, licence: r.licence, request: { licenceNumber: 'x' }, receivedAt: 'y' }),
  'spread, then properties': (r: Rec) => ({ ...r, request: { licenceNumber: 'x' }, receivedAt: 'y' }),
  'spread only': (r: Rec) => ({ ...r }),
  'properties, then spread': (r: Rec) => ({ request: { licenceNumber: 'x' }, receivedAt: 'y', ...r }),
  'Object.assign': (r: Rec) => Object.assign({}, r, { request: { licenceNumber: 'x' }, receivedAt: 'y' }),
} as const;
type Build = keyof typeof BUILDS;
interface Rec { requestId: string; outcome: string; licence: Record<string, string> }

const RECORDS = 300_000;

async function child(build: Build): Promise<void> {
  const make = BUILDS[build];
  let kept = 0;
  for (let batch = 0; batch < RECORDS / 100; batch++) {
    await new Promise((resolve) => setImmediate(resolve));
    const ready: Rec[] = [];
    for (let k = 0; k < 100; k++) {
      const licence: Record<string, string> = {};
      for (let f = 0; f < 10; f++) licence[`f${f}`] = `v${batch}.${k}.${f}`;
      ready.push({ requestId: `id-${batch}-${k}`, outcome: 'FOUND', licence });
    }
    for (const record of ready) {
      await (async () => { if (make(record).requestId) kept += 1; })();
    }
  }
  if (kept !== RECORDS) throw new Error(`${kept} records instead of ${RECORDS}`);
}

function measure(build: Build): Promise<{ scavenges: number; promotedMb: number }> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, [build], { execArgv: ['--trace-gc-nvp'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    proc.stdout?.on('data', (data: Buffer) => { out += data.toString('latin1'); });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) { reject(new Error(`${build}: exited with ${code}`)); return; }
      const promoted = [...out.matchAll(/gc=s .*? promoted=(\d+)/g)].map((m) => Number(m[1]));
      resolve({ scavenges: promoted.length, promotedMb: promoted.reduce((a, b) => a + b, 0) / 2 ** 20 });
    });
  });
}

async function main(): Promise<void> {
  const build = process.argv[2] as Build | undefined;
  if (build !== undefined) { await child(build); return; }
  console.log(`${RECORDS} records, each mapping input built then dropped; bytes promoted by scavenges (--trace-gc-nvp):`);
  for (const name of Object.keys(BUILDS) as Build[]) {
    const { scavenges, promotedMb } = await measure(name);
    console.log(`  ${name.padEnd(24)} ${promotedMb.toFixed(1).padStart(6)} MB promoted in ${scavenges} scavenges`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
