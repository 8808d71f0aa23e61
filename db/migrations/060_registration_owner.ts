import type { Knex } from 'knex';

/**
 * Who a registration belongs to on the portal: the `sub` of the person who registered (services/registration/
 * registry-port.ts, `ownerSub`), so that a citizen can read their own registration and no one else's. Rows from
 * before this migration (and the demo seed) have none until a renewal or update of theirs is issued.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('registrations', (t) => {
    t.text('owner_sub');
    t.index(['owner_sub']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('registrations', (t) => {
    t.dropIndex(['owner_sub']);
    t.dropColumn('owner_sub');
  });
}
