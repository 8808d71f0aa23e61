export { Scheduler, type JobRun, type JobSpec, type SchedulerDeps, type SchedulerLog } from './scheduler';
export { claimWindow, pruneLeases, windowOwner, type WindowClaim } from './lease-store';
export { readFeedCursor, writeFeedCursor } from './feed-cursors';
export * as schedulerMigration from './migration';
