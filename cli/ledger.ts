import { verifyLedger } from '../broker/ledger/ledger';
import { openHubDatabase } from './open-database';

/** `hub ledger verify`: exit 0 when every link holds, 1 naming the first broken one. */
export async function runLedgerVerify(): Promise<void> {
  const db = await openHubDatabase();
  try {
    const result = await verifyLedger(db.knex);
    if (result.ok) {
      process.stdout.write(`ledger intact: ${result.count} entries verified\n`);
    } else {
      process.stdout.write(`ledger BROKEN at entry seq=${result.brokenAt}: ${result.reason} (${result.count} entries before it verified)\n`);
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
}
