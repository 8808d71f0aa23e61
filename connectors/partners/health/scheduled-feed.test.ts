/**
 * Two hub nodes, each with its own scheduler, connector and feed reader, on one database: the feed is
 * read once per window, and each decision reaches the inbox once; a malformed entry is quarantined there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import knex, { type Knex } from 'knex';
import { Scheduler } from '../../../broker/scheduler';
import { up as migrateScheduler } from '../../../broker/scheduler/migration';
import { startHealthSandbox, type HealthSandbox } from '../../../sandbox/health';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { XmlHttpConnector } from '../../xml-http';
import { healthTestConfig } from '../../xml-http/testing/health-fixtures';
import { HealthDecisionFeed, type PollReport } from './decision-feed';
import { HEALTH_FEED_JOB, inboxSinks, scheduleHealthDecisionFeed } from './wiring';

let sandbox: HealthSandbox;
let database: TestDatabase;
let secondPool: Knex | undefined;

beforeAll(async () => {
  sandbox = await startHealthSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'health-scheduled-')), pageSize: 2 });
  database = await createTestDatabase();
  await migrateScheduler(database.knex);
  if (database.settings.databaseUrl) secondPool = knex({ client: 'pg', connection: database.settings.databaseUrl, pool: { min: 0, max: 2 } });
});
afterAll(async () => {
  await secondPool?.destroy();
  await sandbox.close();
  await database.dispose();
});

it('reads the feed once per window across two nodes; each decision reaches the inbox once', async () => {
  const base = Date.parse('2026-11-20T09:00:00Z');
  for (let i = 0; i < 5; i++) sandbox.register.publish({ referenceDossier: `RAP-${i}`, statut: 'ACCORDEE', decidedAt: new Date(base + i * 1000) });
  sandbox.faults.set({ malformedEntry: 1 });
  const reports: PollReport[] = [];
  const nodes = await Promise.all(['node-a', 'node-b'].map(async (owner, i) => {
    const db = i === 1 && secondPool ? secondPool : database.knex;
    const connector = new XmlHttpConnector(healthTestConfig(sandbox, { timeoutMs: 5000 }), { partner: 'health' });
    await connector.connect();
    const scheduler = new Scheduler({ db, owner });
    const feed = new HealthDecisionFeed({ db, source: connector, startAt: new Date('2026-11-01T00:00:00Z'), ...inboxSinks(db) });
    scheduleHealthDecisionFeed(scheduler, feed, { cron: '* * * * * *', onReport: (r) => reports.push(r) });
    return { scheduler, connector };
  }));
  nodes.forEach((n) => n.scheduler.start());
  const deadline = Date.now() + 20_000;
  while (reports.length < 3 && Date.now() < deadline) await sleep(200);
  for (const n of nodes) { await n.scheduler.stop(); await n.connector.close(); }

  expect(reports.length).toBeGreaterThanOrEqual(3);
  const windows = await database.knex('scheduler_leases').where({ job: HEALTH_FEED_JOB }).select('owner');
  expect(windows).toHaveLength(reports.length);
  // Every page read belongs to exactly one run: no node read a window another node had.
  expect(sandbox.received.entries()).toHaveLength(reports.reduce((sum, r) => sum + r.pages, 0));
  const inbox = await database.knex('inbox').where({ partner: 'health' }).orderBy('id').select('message_id', 'status');
  expect(inbox.filter((r: { status: string }) => r.status === 'received').map((r: { message_id: string }) => r.message_id))
    .toEqual(['DEC-000001', 'DEC-000002', 'DEC-000003', 'DEC-000004', 'DEC-000005'].map((n) => `decision:${n}`));
  expect(inbox.filter((r: { status: string }) => r.status === 'quarantined')).toHaveLength(1);
});
