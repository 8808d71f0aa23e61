/**
 * Database leases for scheduled runs: `INSERT … ON CONFLICT DO NOTHING` keyed by job + window. Every node
 * of a cluster fires the same cron slot; exactly one INSERT wins, so a window runs once, not once per node.
 * No transaction or lock is held while the job runs.
 */
import type { Knex } from 'knex';

export interface WindowClaim {
  job: string;
  windowStart: Date;
  owner: string;
  /** How long the claim row is kept (it is pruned after); at least the job's longest run. */
  leaseMs: number;
}

/** True when this owner won the window; false when another node (or an earlier call) has it. */
export async function claimWindow(db: Knex, claim: WindowClaim): Promise<boolean> {
  const result = await db.raw(
    `INSERT INTO scheduler_leases (job, window_start, owner, expires_at)
     VALUES (?, ?, ?, ?::timestamptz + (? * interval '1 millisecond'))
     ON CONFLICT (job, window_start) DO NOTHING
     RETURNING owner`,
    [claim.job, claim.windowStart.toISOString(), claim.owner, claim.windowStart.toISOString(), claim.leaseMs],
  );
  return (result.rows as unknown[]).length > 0;
}

/** Who ran a window, if anyone. */
export async function windowOwner(db: Knex, job: string, windowStart: Date): Promise<string | undefined> {
  const row = await db('scheduler_leases').where({ job, window_start: windowStart.toISOString() }).first<{ owner: string } | undefined>('owner');
  return row?.owner;
}

/** Deletes claims expired before `before`; their windows are long past. */
export async function pruneLeases(db: Knex, before: Date): Promise<number> {
  // RETURNING rather than knex's delete count: PGlite's driver reports the count differently.
  const result = await db.raw('DELETE FROM scheduler_leases WHERE expires_at < ? RETURNING job', [before.toISOString()]);
  return (result.rows as unknown[]).length;
}
