import { replayDeadLetter } from '../broker/outbox/outbox-store';
import { openHubDatabase } from './open-database';

/** Dead letters: list them (no payloads: personal data), or put one back in the outbox with the same message id. */
export async function runDeadLetters(command: 'list' | 'replay', id?: string): Promise<void> {
  const db = await openHubDatabase();
  try {
    if (command === 'list') {
      const rows = await db.knex('outbox').where('status', 'dead').orderBy('updated_at', 'desc').limit(100)
        .select('id', 'partner', 'operation', 'case_reference', 'attempts', 'last_error_code', 'last_error', 'updated_at');
      for (const r of rows) process.stdout.write(`${r.id}  ${r.partner} ${r.operation}  case ${r.case_reference}  attempts ${r.attempts}  ${r.last_error_code}: ${r.last_error}\n`);
      if (rows.length === 0) process.stdout.write('no dead letters\n');
      return;
    }
    const ok = await replayDeadLetter(db.knex, String(id), 'cli:' + (process.env.USER ?? 'unknown'));
    process.stdout.write(ok ? `message ${id} is back in the outbox; a relay will deliver it\n` : `no dead letter with id ${id}\n`);
    if (!ok) process.exitCode = 1;
  } finally {
    await db.close();
  }
}
