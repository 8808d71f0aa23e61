import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { appendLedgerEntry, sha256Hex } from '../../broker/ledger/ledger';
import { openDatabase } from '../../db/connection';
import { prepareHubDatabase } from '../support/database';

const HUB_BIN = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'hub.js');

/** `hub ledger verify` as an operator runs it: exit 0 on an intact chain, 1 naming the first edited row. */
describe('hub ledger verify', () => {
  it('says the chain is intact, then names the row someone edited', async () => {
    if (!existsSync(HUB_BIN)) throw new Error('dist/cli/hub.js is missing: run `npm run build` first (npm test does)');
    const prepared = await prepareHubDatabase();
    try {
      const db = await openDatabase(prepared.settings);
      for (let i = 0; i < 3; i++) {
        await appendLedgerEntry(db.knex, { partner: 'narsa', operation: 'licence.verify', direction: 'out', messageId: `m-${i}`, payloadSha256: sha256Hex(String(i)), outcome: 'delivered' });
      }
      await db.close(); // the embedded database has one opener at a time: the CLI opens it next

      const env: NodeJS.ProcessEnv = { ...process.env, HUB_DATA_DIR: prepared.settings.dataDir };
      if (prepared.settings.databaseUrl) env.DATABASE_URL = prepared.settings.databaseUrl; else delete env.DATABASE_URL;
      const intact = spawnSync(process.execPath, [HUB_BIN, 'ledger', 'verify'], { env, encoding: 'utf8' });
      expect([intact.status, intact.stdout.trim()]).toEqual([0, 'ledger intact: 3 entries verified']);

      const again = await openDatabase(prepared.settings);
      await again.knex.raw('ALTER TABLE exchange_ledger DISABLE TRIGGER exchange_ledger_no_update');
      const second = await again.knex('exchange_ledger').where('message_id', 'm-1').first();
      await again.knex('exchange_ledger').where('seq', second.seq).update({ outcome: 'failed PARTNER_UNAVAILABLE' });
      await again.close();

      const broken = spawnSync(process.execPath, [HUB_BIN, 'ledger', 'verify'], { env, encoding: 'utf8' });
      expect(broken.status).toBe(1);
      expect(broken.stdout).toContain(`ledger BROKEN at entry seq=${second.seq}: recorded fields do not match the row hash (the row was edited)`);
    } finally {
      await prepared.dispose();
    }
  }, 60000);
});
