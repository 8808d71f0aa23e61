import type { Knex } from 'knex';
import type { Connector } from '../../connectors/_kit/contract';
import type { SftpConnector } from '../../connectors/sftp';
import type { CompiledMapping, MappingSet } from '../../mappings';

export const BATCH_PARTNER = 'narsa-batch';
export const VERIFY_FILE_OPERATION = 'licence.bulk-verify';
export const RESULTS_SOURCE = 'results';
export const RESULTS_OPERATION = 'licence.bulk-verify.results';
export const NOTICE_OPERATION = 'attestation.notices';
export const LICENCE_SERVICE = 'licence-authentication';
/** narsa.md: "Up to 200,000 requests per file." */
export const MAX_REQUESTS_PER_FILE = 200_000;

export interface BatchLog {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface NarsaBatchDeps {
  db: Knex;
  /** The `narsa-batch` SFTP connector (connected). */
  sftp: SftpConnector;
  /** The `narsa` REST connector, when deployed: its circuit says whether real time is down. */
  realTime?: Connector;
  /** The compiled mapping set (loaded once). */
  mappings(): Promise<MappingSet>;
  now?: () => Date;
  log?: BatchLog;
  /** Wakes the inbox processing after results were stored. */
  poke?(): void;
  /** Files hold at most this many requests (default 200,000, the contract's limit). */
  maxRequestsPerFile?: number;
}

export async function mappingOf(deps: NarsaBatchDeps, id: string): Promise<CompiledMapping<unknown>> {
  const mapping = (await deps.mappings()).find(id);
  if (!mapping) throw new Error(`the mapping ${id} is missing from mappings/partners`);
  return mapping;
}

export const silentLog: BatchLog = { info: () => undefined, warn: () => undefined };
