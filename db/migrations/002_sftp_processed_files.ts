import type { Knex } from 'knex';
import { createSftpProcessedFilesTable, SFTP_PROCESSED_FILES_TABLE } from '../../connectors/sftp/processed-files-store';

/** Batch files already processed, by content digest: a file re-delivered with a new time stamp is not processed twice. */
export async function up(db: Knex): Promise<void> { await createSftpProcessedFilesTable(db); }
export async function down(db: Knex): Promise<void> { await db.schema.dropTableIfExists(SFTP_PROCESSED_FILES_TABLE); }
