/**
 * Two schedulers (two "nodes") on one database: each cron window runs once, not once per node.
 * On PostgreSQL each node has its own connection pool; PGlite allows one opener, so there they share it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import knex, { type Knex } from 'knex';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { claimWindow, pruneLeases, windowOwner } from './lease-store';
import { up } from './migration';
import { Scheduler, type JobRun } from './scheduler';

let database: TestDatabase;
let second: Knex | undefined;
const schedulers: Scheduler[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await up(database.knex);
  await up(database.knex); // idempotent: the hub may already have run it
  if (database.settings.databaseUrl) second = knex({ client: 'pg', connection: database.settings.databaseUrl, pool: { min: 0, max: 2 } });
});
afterEach(async () => { await Promise.all(schedulers.splice(0).map((s) => s.stop())); });
afterAll(async () => {
  await second?.destroy();
  await database.dispose();
});

function node(owner: string, db: Knex): Scheduler {
  const scheduler = new Scheduler({ db, owner });
  schedulers.push(scheduler);
  return scheduler;
}

describe('Scheduler', () => {
  it('runs each window once across two nodes on the same database', async () => {
    const runs: JobRun[] = [];
    const job = { name: 'test.every-second', cron: '* * * * * *', run: async (run: JobRun) => { runs.push(run); await sleep(50); } };
    const a = node('node-a', database.knex);
    const b = node('node-b', second ?? database.knex);
    a.schedule(job);
    b.schedule(job);
    a.start();
    b.start();
    // Generous: the machine is shared, a tick may come late; what matters is no window twice.
    const deadline = Date.now() + 20_000;
    while (new Set(runs.map((r) => r.windowStart.toISOString())).size < 3 && Date.now() < deadline) await sleep(200);
    await a.stop();
    await b.stop();

    const windows = runs.map((r) => r.windowStart.toISOString());
    expect(new Set(windows).size).toBeGreaterThanOrEqual(3);
    expect(windows).toHaveLength(new Set(windows).size);
    for (const run of runs) expect(await windowOwner(database.knex, 'test.every-second', run.windowStart)).toBe(run.owner);
    const claimed = await database.knex('scheduler_leases').where({ job: 'test.every-second' }).count<{ count: number }[]>('* as count');
    expect(Number(claimed[0].count)).toBe(runs.length);
  });

  it('lets exactly one of many concurrent claims of a window win', async () => {
    const windowStart = new Date('2026-11-20T10:00:00Z');
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((owner, i) =>
      claimWindow(i % 2 === 0 || !second ? database.knex : second, { job: 'test.claim', windowStart, owner, leaseMs: 60_000 })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await claimWindow(database.knex, { job: 'test.claim', windowStart: new Date('2026-11-20T10:02:00Z'), owner: 'b', leaseMs: 60_000 })).toBe(true);
  });

  it('runWindow runs the job only for the winner, and a failing job does not escape', async () => {
    const ran: string[] = [];
    const spec = { name: 'test.manual', cron: '*/2 * * * *', timezone: 'Africa/Casablanca', run: async (run: JobRun) => { ran.push(run.owner); throw new Error('boom with data BK123456'); } };
    const warnings: string[] = [];
    const a = new Scheduler({ db: database.knex, owner: 'node-a', log: { info: () => undefined, warn: (m, meta) => warnings.push(`${m} ${JSON.stringify(meta)}`) } });
    const b = new Scheduler({ db: database.knex, owner: 'node-b' });
    const slot = new Date('2026-11-20T10:02:00.250Z');
    expect(await a.runWindow(spec, slot)).toBe(true);
    expect(await b.runWindow(spec, slot)).toBe(false);
    expect(ran).toEqual(['node-a']);
    expect(warnings.join('\n')).toContain('test.manual failed');
    expect(warnings.join('\n')).not.toContain('BK123456');
  });

  it('refuses a bad cron expression, an unknown zone and a job declared twice', () => {
    const s = new Scheduler({ db: database.knex, owner: 'x' });
    const run = async () => undefined;
    expect(() => s.schedule({ name: 'j', cron: 'every two minutes', run })).toThrow('scheduler.jobs.j.cron');
    expect(() => s.schedule({ name: 'j', cron: '*/2 * * * *', timezone: 'Mars/Olympus', run })).toThrow('scheduler.jobs.j.timezone');
    s.schedule({ name: 'j', cron: '*/2 * * * *', run });
    expect(() => s.schedule({ name: 'j', cron: '*/2 * * * *', run })).toThrow('declared twice');
  });

  it('prunes claims whose lease has expired', async () => {
    await claimWindow(database.knex, { job: 'test.prune', windowStart: new Date('2020-01-01T00:00:00Z'), owner: 'a', leaseMs: 1000 });
    expect(await pruneLeases(database.knex, new Date('2021-01-01T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect(await windowOwner(database.knex, 'test.prune', new Date('2020-01-01T00:00:00Z'))).toBeUndefined();
  });
});
