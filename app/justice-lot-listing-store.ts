/**
 * The listing facts of the Justice lots already processed (app/justice-lot-listing.ts), on the hub's database: table
 * `justice_lot_listings`, one row per (partner, lot name), written only once the lot's manifest digest is in the
 * processed-file registry. Shared by the nodes of a cluster, kept across restarts.
 */
import type { Knex } from 'knex';
import type { LotListingFacts } from './justice-lot-listing';

export const JUSTICE_LOT_LISTINGS_TABLE = 'justice_lot_listings';
/** Lot names per query: far under PostgreSQL's 65,535 bound parameters, and a short statement each. */
const NAMES_PER_QUERY = 1000;

/** The migration (db/migrations/050_justice_lot_listings.ts calls this). */
export async function createJusticeLotListingsTable(db: Knex): Promise<void> {
  await db.schema.createTable(JUSTICE_LOT_LISTINGS_TABLE, (t) => {
    t.text('partner').notNullable();
    t.text('lot_name').notNullable(); // LOT_<id>, as listed in /sortant
    t.bigInteger('folder_mtime').notNullable();
    t.bigInteger('marker_size').notNullable();
    t.bigInteger('marker_mtime').notNullable();
    // The manifest digest these facts were seen with (in sftp_processed_files): for the engineer reading the table.
    t.specificType('digest', 'char(64)').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['partner', 'lot_name']);
  });
}

export interface LotListingStore {
  /** The recorded facts of those of `lotNames` that have some. */
  recorded(partner: string, lotNames: readonly string[]): Promise<Map<string, LotListingFacts>>;
  /** Records (or replaces) a processed lot's facts. */
  remember(partner: string, lotName: string, facts: LotListingFacts, digest: string): Promise<void>;
}

interface Row { lot_name: string; folder_mtime: string | number; marker_size: string | number; marker_mtime: string | number }

export class KnexLotListingStore implements LotListingStore {
  constructor(private readonly db: Knex) {}

  async recorded(partner: string, lotNames: readonly string[]): Promise<Map<string, LotListingFacts>> {
    const out = new Map<string, LotListingFacts>();
    for (let i = 0; i < lotNames.length; i += NAMES_PER_QUERY) {
      const rows: Row[] = await this.db(JUSTICE_LOT_LISTINGS_TABLE).where({ partner }).whereIn('lot_name', lotNames.slice(i, i + NAMES_PER_QUERY))
        .select('lot_name', 'folder_mtime', 'marker_size', 'marker_mtime');
      // bigint comes back as a string from the pg driver; seconds since the epoch fit a double exactly.
      for (const row of rows) out.set(row.lot_name, { folderMtime: Number(row.folder_mtime), markerSize: Number(row.marker_size), markerMtime: Number(row.marker_mtime) });
    }
    return out;
  }

  async remember(partner: string, lotName: string, facts: LotListingFacts, digest: string): Promise<void> {
    await this.db(JUSTICE_LOT_LISTINGS_TABLE)
      .insert({ partner, lot_name: lotName, folder_mtime: facts.folderMtime, marker_size: facts.markerSize, marker_mtime: facts.markerMtime, digest, recorded_at: this.db.fn.now() })
      .onConflict(['partner', 'lot_name']).merge(['folder_mtime', 'marker_size', 'marker_mtime', 'digest', 'recorded_at']);
  }
}
