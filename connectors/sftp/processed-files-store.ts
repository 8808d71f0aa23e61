/**
 * The processed-file registry on the hub's database: table `sftp_processed_files`, one row per
 * (partner, content digest). The primary key makes "mark" a claim: two nodes polling the same
 * directory cannot both record the same file.
 */
import type { Knex } from 'knex';
import type { ProcessedFile, ProcessedFileRegistry } from './processed-files';

export const SFTP_PROCESSED_FILES_TABLE = 'sftp_processed_files';

/** The migration (db/migrations holds a copy that calls this). */
export async function createSftpProcessedFilesTable(db: Knex): Promise<void> {
  await db.schema.createTable(SFTP_PROCESSED_FILES_TABLE, (t) => {
    t.text('partner').notNullable();
    t.specificType('digest', 'char(64)').notNullable();
    t.text('file_name').notNullable();
    t.timestamp('processed_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['partner', 'digest']);
  });
}

export class KnexProcessedFileRegistry implements ProcessedFileRegistry {
  constructor(private readonly db: Knex) {}

  async isProcessed(partner: string, digest: string): Promise<boolean> {
    const row = await this.db(SFTP_PROCESSED_FILES_TABLE).where({ partner, digest }).first('digest');
    return row !== undefined;
  }

  async markProcessed(file: ProcessedFile): Promise<boolean> {
    const rows = await this.db(SFTP_PROCESSED_FILES_TABLE)
      .insert({ partner: file.partner, digest: file.digest, file_name: file.fileName })
      .onConflict(['partner', 'digest']).ignore()
      .returning('digest');
    return rows.length > 0;
  }
}
