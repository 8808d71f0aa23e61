/**
 * How the hub plugs the decision feed in: decisions to the inbox (de-duplicated by partner message id),
 * malformed entries to the inbox as quarantined rows (the raw entry kept for an engineer, the reason as
 * field paths), and the reader run by the scheduler once per window across the cluster.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { recordInbound } from '../../../broker/inbox/inbox-store';
import type { Scheduler } from '../../../broker/scheduler';
import { HEALTH_PARTNER, type DecisionFeedDeps, type HealthDecisionFeed, type PollReport } from './decision-feed';

export const HEALTH_FEED_JOB = 'health.decisions';
/** health.md: "The hub polls on a schedule (default every 2 minutes, configurable)". */
export const DEFAULT_HEALTH_FEED_CRON = '*/2 * * * *';
export const QUARANTINED_ENTRY_OPERATION = 'clearance.decision.quarantined';
/** The service that applies Health decisions (matched to its request by ReferenceDossier, the case reference). */
export const HEALTH_DECISION_REPLY_ACTION = 'remains-repatriation.clearanceReply';

export function inboxSinks(db: Knex): Pick<DecisionFeedDeps, 'onDecision' | 'onQuarantine'> {
  return {
    // Stored as an inbound event ({kind, status, body, receivedAt}, like webhooks and callbacks): the binding's
    // `event.Decision` answer mapping turns it into a canonical clearance, and the repatriation service applies it.
    onDecision: async (record) => {
      await recordInbound(db, { ...record, replyAction: HEALTH_DECISION_REPLY_ACTION,
        payload: { kind: 'event', status: 200, body: record.payload, request: {}, receivedAt: new Date().toISOString() } });
    },
    onQuarantine: async (entry) => {
      // Keyed by the entry's content: the same bad entry read again stays one row.
      const digest = createHash('sha256').update(JSON.stringify(entry.content)).digest('hex').slice(0, 32);
      const messageId = `quarantined-entry:${digest}`;
      const reason = `${entry.reason}: ${entry.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
      await db.transaction(async (trx) => {
        const { inserted } = await recordInbound(trx, { partner: HEALTH_PARTNER, messageId, operation: QUARANTINED_ENTRY_OPERATION, payload: entry.content });
        if (inserted) await trx('inbox').where({ partner: HEALTH_PARTNER, message_id: messageId }).update({ status: 'quarantined', error: reason });
      });
    },
  };
}

export interface FeedScheduleOptions {
  cron?: string;
  /** Zone the cron expression is read in (default UTC). */
  timezone?: string;
  onReport?(report: PollReport): void;
}

/** Registers the feed reader as a scheduled job; a failed run is logged by the scheduler and retried next window. */
export function scheduleHealthDecisionFeed(scheduler: Scheduler, feed: HealthDecisionFeed, options: FeedScheduleOptions = {}): void {
  scheduler.schedule({
    name: HEALTH_FEED_JOB,
    cron: options.cron ?? DEFAULT_HEALTH_FEED_CRON,
    timezone: options.timezone,
    // A run is bounded by its page limit and the connector's timeouts; ten minutes is far above it.
    leaseMs: 10 * 60 * 1000,
    run: async () => { options.onReport?.(await feed.poll()); },
  });
}
