/**
 * Where a scheduled feed reader stands (`feed_cursors`): one opaque text per partner and feed.
 * Writes are compare-and-set: a run that was overtaken (another node's run of a later window moved the
 * cursor while this one was still reading) learns it and stops, instead of moving the cursor back.
 */
import type { Knex } from 'knex';

export async function readFeedCursor(db: Knex | Knex.Transaction, partner: string, feed: string): Promise<string | undefined> {
  const row = await db('feed_cursors').where({ partner, feed }).first<{ cursor: string } | undefined>('cursor');
  return row?.cursor;
}

/**
 * Sets the cursor to `next` if it still is `expected` (undefined: if there is none yet).
 * Returns false, changing nothing, when someone else moved it first.
 */
export async function writeFeedCursor(db: Knex | Knex.Transaction, partner: string, feed: string, next: string, expected: string | undefined): Promise<boolean> {
  const result = expected === undefined
    ? await db.raw('INSERT INTO feed_cursors (partner, feed, cursor, updated_at) VALUES (?, ?, ?, now()) ON CONFLICT (partner, feed) DO NOTHING RETURNING feed', [partner, feed, next])
    : await db.raw('UPDATE feed_cursors SET cursor = ?, updated_at = now() WHERE partner = ? AND feed = ? AND cursor = ? RETURNING feed', [next, partner, feed, expected]);
  return (result.rows as unknown[]).length > 0;
}
