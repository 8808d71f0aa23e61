/**
 * NARSA's batches over SFTP, scheduled (app/partner-schedules.ts wires them when `narsa-batch` is deployed):
 * the nightly VERIF files, the RESULT files read back, the daily ATTEST notice. Each job claims its window in the
 * database (broker/scheduler), so a cluster runs it once; the cron expressions are read in Africa/Casablanca.
 */
import type { Scheduler } from '../../broker/scheduler';
import type { HubConfig } from '../../config/schema';
import { NARSA_TIME_ZONE } from './calendar';
import type { NarsaBatchDeps } from './deps';
import { buildVerificationFiles } from './verification-file';
import { consumeResults } from './results';
import { sendAttestationNotices } from './attestation-notice';
import { loadMappingSet } from '../mapping-files';
import type { MappingSet } from '../../mappings';

export { buildVerificationFiles, type NightFileReport } from './verification-file';
export { consumeResults, type ResultsReport } from './results';
export { sendAttestationNotices, type NoticeReport } from './attestation-notice';
export type { NarsaBatchDeps } from './deps';

export const NARSA_JOBS = {
  verificationFile: 'narsa.verification-file',
  results: 'narsa.results',
  attestationNotice: 'narsa.attestation-notice',
} as const;

type Schedules = Pick<HubConfig['schedules'], 'narsaVerificationFile' | 'narsaResults' | 'narsaAttestationNotice'>;

export function scheduleNarsaBatches(scheduler: Scheduler, deps: NarsaBatchDeps, schedules: Schedules): void {
  // A run is bounded by the connector's timeouts and the file size; an hour is far above a 200,000-request file.
  const leaseMs = 60 * 60 * 1000;
  scheduler.schedule({ name: NARSA_JOBS.verificationFile, cron: schedules.narsaVerificationFile, timezone: NARSA_TIME_ZONE, leaseMs,
    run: async () => { await buildVerificationFiles(deps); } });
  scheduler.schedule({ name: NARSA_JOBS.results, cron: schedules.narsaResults, timezone: NARSA_TIME_ZONE, leaseMs,
    run: async () => { await consumeResults(deps); } });
  scheduler.schedule({ name: NARSA_JOBS.attestationNotice, cron: schedules.narsaAttestationNotice, timezone: NARSA_TIME_ZONE, leaseMs,
    run: async () => { await sendAttestationNotices(deps); } });
}

let mappingSet: Promise<MappingSet> | undefined;
/** The mapping set, read and compiled on the first run that needs it, then kept. */
export function mappingSetOnce(): Promise<MappingSet> {
  mappingSet ??= loadMappingSet().catch((error: unknown) => { mappingSet = undefined; throw error; });
  return mappingSet;
}
