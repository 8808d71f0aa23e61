import type { Knex } from 'knex';

/**
 * The consular registry: one row per registered person (unique CNIE), whatever the post. The number is
 * the person's: a move to another post updates `post` and keeps `number` (services/registration/registry-port.ts).
 * Numbers are drawn from their own sequence, like request references: REG-<post 3 letters>-<year>-<6 digits>.
 * No demo rows here: the demo registration (Youssef BENANI, REG-BRU-2019-000042) is seeded by the embedded
 * setup only (services/registration/demo-seed.ts), so that a production database never holds it.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('CREATE SEQUENCE IF NOT EXISTS registration_number_seq START 1000');
  await db.schema.createTable('registrations', (t) => {
    t.text('number').primary();
    t.text('cnie').notNullable().unique();
    t.text('post').notNullable();
    t.text('status').notNullable().defaultTo('active');
    t.jsonb('person').notNullable();
    t.jsonb('residence').notNullable();
    t.jsonb('household').notNullable().defaultTo('[]');
    t.text('profession');
    t.date('registered_on').notNullable();
    t.date('valid_until').notNullable();
    t.text('last_request_reference');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['post']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('registrations');
  await db.raw('DROP SEQUENCE IF EXISTS registration_number_seq');
}
