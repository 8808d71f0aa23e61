import type { Knex } from 'knex';
import type { Scheduler } from '../broker/scheduler';
import type { Connector } from '../connectors/_kit/contract';
import { XmlHttpConnector } from '../connectors/xml-http';
import { HealthDecisionFeed } from '../connectors/partners/health/decision-feed';
import { inboxSinks, scheduleHealthDecisionFeed } from '../connectors/partners/health/wiring';
import type { HubConfig } from '../config/schema';
import { SftpConnector } from '../connectors/sftp';
import { mappingSetOnce, scheduleNarsaBatches } from './narsa-batches';
import { scheduleJusticeLots } from './justice-lots';
import { scheduleRepatriationFallbacks } from './interior-polling';
import { KnexProcessedFileRegistry } from '../connectors/sftp';
import { loadPosts } from '../config/catalogue';

export interface PartnerScheduleDeps {
  scheduler: Scheduler;
  db: Knex;
  config: HubConfig;
  connectors: Map<string, Connector>;
  /** Wakes the relay (and the inbox processing after it) when a run stored something. */
  poke(): void;
}

/**
 * Scheduled partner reads (feeds, batch files, lots), one block each. Every job claims its window in the
 * database (broker/scheduler), so a cluster runs it once; a partner not deployed has no job.
 */
export function schedulePartnerReads(deps: PartnerScheduleDeps): void {
  const health = deps.connectors.get('health');
  if (health instanceof XmlHttpConnector) {
    scheduleHealthDecisionFeed(deps.scheduler, new HealthDecisionFeed({ db: deps.db, source: health, ...inboxSinks(deps.db) }),
      { cron: deps.config.schedules.healthDecisions, onReport: (r) => { if (r.delivered > 0) deps.poke(); } });
  }
  const narsaBatch = deps.connectors.get('narsa-batch');
  if (narsaBatch instanceof SftpConnector) {
    scheduleNarsaBatches(deps.scheduler, { db: deps.db, sftp: narsaBatch, realTime: deps.connectors.get('narsa'), mappings: mappingSetOnce, poke: deps.poke },
      deps.config.schedules);
  }
  const justiceBatch = deps.connectors.get('justice-batch');
  if (justiceBatch instanceof SftpConnector) {
    scheduleJusticeLots(deps.scheduler, { db: deps.db, sftp: justiceBatch, registry: new KnexProcessedFileRegistry(deps.db), posts: loadPosts(), mappings: mappingSetOnce },
      { cron: deps.config.schedules.justiceLots, onReport: (r) => { if (r.some((lot) => lot.outcome === 'taken-in')) deps.poke(); } });
  }
  // Repatriation: status polls when an Interior callback or a DGSN event is missed; escalations before arrival.
  if (deps.connectors.has('interior') || deps.connectors.has('dgsn')) {
    scheduleRepatriationFallbacks(deps.scheduler, { db: deps.db, poke: deps.poke }, { pollingCron: deps.config.schedules.interiorBurialPolling,
      escalationCron: deps.config.schedules.repatriationEscalations, pollingDelaySeconds: deps.config.schedules.repatriationPollingDelaySeconds });
  }
}
