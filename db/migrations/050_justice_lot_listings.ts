import type { Knex } from 'knex';
import { createJusticeLotListingsTable, JUSTICE_LOT_LISTINGS_TABLE } from '../../app/justice-lot-listing-store';

/** What the /sortant listing showed of each Justice lot processed: a lot listed the same again is not read again. */
export async function up(db: Knex): Promise<void> { await createJusticeLotListingsTable(db); }
export async function down(db: Knex): Promise<void> { await db.schema.dropTableIfExists(JUSTICE_LOT_LISTINGS_TABLE); }
