/**
 * The decision feed reader against the Health sandbox (real HTTPS) and a real database: decisions go to
 * the inbox (recordInbound, unique partner message id), the cursor lives in feed_cursors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordInbound } from '../../../broker/inbox/inbox-store';
import { up as migrateScheduler } from '../../../broker/scheduler/migration';
import { startHealthSandbox, type HealthSandbox } from '../../../sandbox/health';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { XmlHttpConnector } from '../../xml-http';
import { healthTestConfig } from '../../xml-http/testing/health-fixtures';
import { HealthDecisionFeed, type QuarantinedEntry } from './decision-feed';

let sandbox: HealthSandbox;
let database: TestDatabase;
let connector: XmlHttpConnector;
let quarantined: QuarantinedEntry[];

const T0 = Date.parse('2026-11-20T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

beforeAll(async () => {
  sandbox = await startHealthSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'health-feed-')), pageSize: 3 });
  database = await createTestDatabase();
  await migrateScheduler(database.knex);
  connector = new XmlHttpConnector(healthTestConfig(sandbox, { timeoutMs: 5000 }), { partner: 'health' });
  await connector.connect();
});
afterAll(async () => {
  await connector.close();
  await sandbox.close();
  await database.dispose();
});
beforeEach(async () => {
  sandbox.reset();
  quarantined = [];
  await database.knex('feed_cursors').delete();
  await database.knex('inbox').delete();
});

/** A reader as the hub wires it: decisions to the inbox. A new instance stands for a restarted node. */
function reader(): HealthDecisionFeed {
  return new HealthDecisionFeed({
    db: database.knex,
    source: connector,
    startAt: new Date('2026-11-01T00:00:00Z'),
    onDecision: async (record) => { await recordInbound(database.knex, record); },
    onQuarantine: async (entry) => { quarantined.push(entry); },
  });
}

async function inbox(): Promise<Array<{ message_id: string; payload: Record<string, unknown> }>> {
  const rows = await database.knex('inbox').where({ partner: 'health' }).orderBy('id').select('message_id', 'payload');
  return rows.map((r: { message_id: string; payload: unknown }) => ({ message_id: r.message_id, payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown> }));
}

const publish = (minutes: number[], extra: { statut?: 'ACCORDEE' | 'REFUSEE'; motif?: string } = {}) =>
  minutes.map((m, i) => sandbox.register.publish({ referenceDossier: `RAP-MAD-2026-${String(m * 10 + i).padStart(6, '0')}`, statut: extra.statut ?? 'ACCORDEE', motif: extra.motif, decidedAt: at(m) }));

describe('Health decision feed', () => {
  it('hands every decision over once across pages, times in UTC, Arabic decoded, cursor persisted', async () => {
    publish([0, 1, 2, 3, 4]);
    publish([5], { statut: 'REFUSEE', motif: 'مرض معد' });
    publish([6]);
    const report = await reader().poll();
    expect([report.delivered, report.quarantined, report.stopped]).toEqual([7, 0, undefined]);
    const rows = await inbox();
    expect(rows.map((r) => r.message_id)).toEqual(['DEC-000001', 'DEC-000002', 'DEC-000003', 'DEC-000004', 'DEC-000005', 'DEC-000006', 'DEC-000007'].map((n) => `decision:${n}`));
    expect(rows[5].payload).toEqual({
      numero: 'DEC-000006', referenceDossier: 'RAP-MAD-2026-000050', statut: 'REFUSEE', motif: 'مرض معد',
      decidedAt: '2026-11-20T09:05:00.000Z', decidedAtLocal: '2026-11-20T10:05:00',
    });
    expect(report.cursor).toEqual({ depuis: '2026-11-20T09:06:00.000Z', seen: ['DEC-000007'] });
    const stored = await database.knex('feed_cursors').where({ partner: 'health', feed: 'decisions' }).first<{ cursor: string }>('cursor');
    expect(JSON.parse(stored.cursor)).toEqual(report.cursor);
  });

  it('resumes from the persisted cursor after a restart: the inclusive boundary is absorbed', async () => {
    publish([0, 1]);
    expect((await reader().poll()).delivered).toBe(2);
    // Another decision at the very same instant as the cursor, and a later one.
    publish([1, 2]);
    const restarted = await reader().poll();
    expect([restarted.delivered, restarted.duplicates]).toEqual([2, 1]);
    expect((await inbox()).map((r) => r.message_id)).toEqual(['decision:DEC-000001', 'decision:DEC-000002', 'decision:DEC-000003', 'decision:DEC-000004']);
    const idle = await reader().poll();
    expect([idle.delivered, idle.duplicates]).toEqual([0, 1]);
  });

  it('absorbs a repeated page (stops without moving the cursor) and overlapping pages', async () => {
    publish([0, 1, 2, 3, 4, 5, 6]);
    sandbox.faults.set({ repeatPage: 1, boundaryDuplicate: 2 });
    const first = await reader().poll();
    expect(first.stopped).toBe('inconsistent-page');
    const second = await reader().poll();
    expect(second.stopped).toBeUndefined();
    expect(first.delivered + second.delivered).toBe(7);
    expect((await inbox()).map((r) => r.message_id)).toHaveLength(7);
  });

  it('reads on at one instant when more decisions share it than a page holds', async () => {
    publish([0, 0, 0, 0, 0, 1]);
    const report = await reader().poll();
    expect(report.delivered).toBe(6);
    expect(new Set((await inbox()).map((r) => r.message_id)).size).toBe(6);
  });

  it('quarantines a malformed entry and the rest go on', async () => {
    publish([0, 1, 2]);
    sandbox.faults.set({ malformedEntry: 1 });
    const report = await reader().poll();
    expect([report.delivered, report.quarantined]).toEqual([3, 1]);
    expect(quarantined[0]).toMatchObject({ partner: 'health', feed: 'decisions', numero: 'DEC-000001-X', errors: [{ path: 'Statut', message: expect.any(String) }] });
  });

  it('leaves the cursor where it was when a page is malformed or carries a DOCTYPE; the next run catches up', async () => {
    publish([0, 1]);
    for (const fault of ['malformedXml', 'doctype'] as const) {
      sandbox.faults.set({ [fault]: 1 });
      await expect(reader().poll()).rejects.toMatchObject({ code: 'PARTNER_BAD_RESPONSE' });
      expect(await database.knex('feed_cursors').count<{ count: number }[]>('* as count')).toEqual([{ count: 0 }]);
    }
    expect((await reader().poll()).delivered).toBe(2);
  });

  it('stops a run overtaken by another node instead of moving the cursor back', async () => {
    publish([0, 1, 2, 3, 4]);
    const other = reader();
    let firstPage = true;
    const slow = new HealthDecisionFeed({
      db: database.knex,
      startAt: new Date('2026-11-01T00:00:00Z'),
      source: {
        read: async (operation, query) => {
          const page = await connector.read(operation, query);
          // While this run holds its first page, another node's run reads the whole feed.
          if (firstPage) { firstPage = false; await other.poll(); }
          return page;
        },
      },
      onDecision: async (record) => { await recordInbound(database.knex, record); },
      onQuarantine: async (entry) => { quarantined.push(entry); },
    });
    const report = await slow.poll();
    expect(report.stopped).toBe('overtaken');
    expect((await reader().cursor()).depuis).toBe('2026-11-20T09:04:00.000Z');
    expect((await inbox()).map((r) => r.message_id)).toHaveLength(5);
  });

  it('stops at the page limit of a run and goes on from its cursor in the next', async () => {
    publish([0, 1, 2, 3, 4, 5, 6]);
    const limited = () => new HealthDecisionFeed({
      db: database.knex, source: connector, startAt: new Date('2026-11-01T00:00:00Z'), maxPagesPerRun: 1,
      onDecision: async (record) => { await recordInbound(database.knex, record); },
      onQuarantine: async (entry) => { quarantined.push(entry); },
    });
    const first = await limited().poll();
    expect([first.delivered, first.stopped]).toEqual([3, 'page-limit']);
    const next = await limited().poll();
    expect([next.delivered, next.duplicates]).toEqual([2, 1]);
    expect((await reader().poll()).delivered).toBe(2);
    expect((await inbox()).map((r) => r.message_id)).toHaveLength(7);
  });

  it('a feed emptied by reindexing hands nothing over, and everything once it is back', async () => {
    publish([0, 1]);
    sandbox.faults.set({ reindexing: true });
    expect((await reader().poll()).delivered).toBe(0);
    sandbox.faults.set({ reindexing: false });
    expect((await reader().poll()).delivered).toBe(2);
  });
});
