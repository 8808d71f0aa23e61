/** Where a scheduled feed reader stands (`feed_cursors`): one opaque text per partner and feed. */
import type { Knex } from 'knex';

export async function readFeedCursor(db: Knex | Knex.Transaction, partner: string, feed: string): Promise<string | undefined> {
  const row = await db('feed_cursors').where({ partner, feed }).first<{ cursor: string } | undefined>('cursor');
  return row?.cursor;
}

export async function writeFeedCursor(db: Knex | Knex.Transaction, partner: string, feed: string, cursor: string): Promise<void> {
  await db('feed_cursors').insert({ partner, feed, cursor, updated_at: db.fn.now() }).onConflict(['partner', 'feed']).merge(['cursor', 'updated_at']);
}
