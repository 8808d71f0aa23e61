/** The processed-file registry on the hub's database (PGlite here, PostgreSQL when DATABASE_URL is set). */
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { InMemoryProcessedFileRegistry, type ProcessedFileRegistry } from './processed-files';
import { createSftpProcessedFilesTable, KnexProcessedFileRegistry, SFTP_PROCESSED_FILES_TABLE } from './processed-files-store';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  if (!(await database.knex.schema.hasTable(SFTP_PROCESSED_FILES_TABLE))) await createSftpProcessedFilesTable(database.knex);
}, 120_000);
afterAll(async () => { await database?.dispose(); });

const DIGEST_A = 'a'.repeat(64);
const DIGEST_B = 'b'.repeat(64);

describe.each([
  ['knex', (): ProcessedFileRegistry => new KnexProcessedFileRegistry(database.knex)],
  ['in memory', (): ProcessedFileRegistry => new InMemoryProcessedFileRegistry()],
])('processed-file registry (%s)', (name, make) => {
  it('records a file once per partner and digest, whatever its name', async () => {
    const registry = make();
    const partner = `narsa-${name}`;
    expect(await registry.isProcessed(partner, DIGEST_A)).toBe(false);
    expect(await registry.markProcessed({ partner, digest: DIGEST_A, fileName: 'RESULT_1.xml' })).toBe(true);
    expect(await registry.isProcessed(partner, DIGEST_A)).toBe(true);
    // The same content under another name, or again: already there.
    expect(await registry.markProcessed({ partner, digest: DIGEST_A, fileName: 'RESULT_1_again.xml' })).toBe(false);
    // Another partner, another digest: separate.
    expect(await registry.isProcessed(`${partner}-other`, DIGEST_A)).toBe(false);
    expect(await registry.isProcessed(partner, DIGEST_B)).toBe(false);
  });
});

it('lets one of two concurrent claims win on the database', async () => {
  const registry = new KnexProcessedFileRegistry(database.knex);
  const results = await Promise.all([1, 2, 3].map(() => registry.markProcessed({ partner: 'narsa-race', digest: DIGEST_B, fileName: 'R.xml' })));
  expect(results.filter(Boolean)).toHaveLength(1);
});
