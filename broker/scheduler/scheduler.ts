/**
 * Scheduled jobs on node-cron 4, once per window across a cluster. Each node runs the same schedule;
 * when a slot fires, the node first claims the window in the database (`lease-store.ts`) and runs the job
 * only if it won. node-cron's `noOverlap` keeps a slow run from overlapping the next on one node; the
 * lease keeps nodes from running the same window twice.
 *
 * A node that dies in the middle of a run does not hand its window to another node: the next window
 * runs as usual. Jobs are written for that (a feed reader resumes from its persisted cursor).
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Knex } from 'knex';
import { HubError } from '../errors';
import { claimWindow, pruneLeases } from './lease-store';

export interface SchedulerLog {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface JobRun {
  job: string;
  /** The cron slot this run is for (its window), the same on every node. */
  windowStart: Date;
  owner: string;
}

export interface JobSpec {
  /** Unique name, e.g. `health.decisions`; the lease key. */
  name: string;
  /** node-cron expression (5 or 6 fields), e.g. `*\/2 * * * *` for every 2 minutes. */
  cron: string;
  /** IANA zone the expression is read in (default UTC). */
  timezone?: string;
  /** How long a window's claim is kept; default 1 hour. */
  leaseMs?: number;
  run(run: JobRun): Promise<void>;
}

export interface SchedulerDeps {
  db: Knex;
  /** This node's name (e.g. the broker's node id): recorded as the owner of the windows it runs. */
  owner: string;
  log?: SchedulerLog;
  /** Claims older than this are pruned once a day; default 7 days. */
  keepLeasesMs?: number;
}

const silent: SchedulerLog = { info: () => undefined, warn: () => undefined };
const DEFAULT_LEASE_MS = 60 * 60 * 1000;

export class Scheduler {
  private readonly jobs = new Map<string, JobSpec>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly log: SchedulerLog;

  constructor(private readonly deps: SchedulerDeps) {
    this.log = deps.log ?? silent;
  }

  /** Declares a job; refuses a bad expression or zone with CONFIG_INVALID. Takes effect at `start`. */
  schedule(spec: JobSpec): void {
    const where = `scheduler.jobs.${spec.name}`;
    if (this.jobs.has(spec.name)) throw new HubError('CONFIG_INVALID', `${where}: declared twice`);
    if (!cron.validate(spec.cron)) throw new HubError('CONFIG_INVALID', `${where}.cron: "${spec.cron}" is not a valid cron expression`, { errors: [{ path: `${where}.cron`, message: 'is not a valid cron expression' }] });
    if (spec.timezone !== undefined && !isTimeZone(spec.timezone)) throw new HubError('CONFIG_INVALID', `${where}.timezone: "${spec.timezone}" is not a known time zone`, { errors: [{ path: `${where}.timezone`, message: 'is not a known time zone' }] });
    this.jobs.set(spec.name, spec);
  }

  start(): void {
    if (this.tasks.length > 0) return;
    for (const spec of this.jobs.values()) {
      this.tasks.push(cron.schedule(spec.cron, (context) => this.track(this.runWindow(spec, context.date)), {
        name: spec.name, timezone: spec.timezone ?? 'Etc/UTC', noOverlap: true, logger: this.cronLogger(spec.name),
      }));
    }
    const keepMs = this.deps.keepLeasesMs ?? 7 * 24 * 60 * 60 * 1000;
    this.tasks.push(cron.schedule('17 3 * * *', () => this.track(pruneLeases(this.deps.db, new Date(Date.now() - keepMs)).then(() => undefined)), { name: 'scheduler.prune', noOverlap: true }));
  }

  /** Claims `windowStart` for `spec` and runs it if this node won; resolves true when it ran. */
  async runWindow(spec: JobSpec, slot: Date): Promise<boolean> {
    const windowStart = new Date(Math.floor(slot.getTime() / 1000) * 1000);
    let won: boolean;
    try {
      won = await claimWindow(this.deps.db, { job: spec.name, windowStart, owner: this.deps.owner, leaseMs: spec.leaseMs ?? DEFAULT_LEASE_MS });
    } catch (error) {
      this.log.warn(`scheduler: ${spec.name} could not claim its window`, { job: spec.name, windowStart: windowStart.toISOString(), error: nameOf(error) });
      return false;
    }
    if (!won) return false;
    try {
      await spec.run({ job: spec.name, windowStart, owner: this.deps.owner });
    } catch (error) {
      // A job's error is logged by name and code only: its message may carry a partner's data.
      this.log.warn(`scheduler: ${spec.name} failed`, { job: spec.name, windowStart: windowStart.toISOString(), error: nameOf(error) });
    }
    return true;
  }

  /** Stops the timers and waits for runs in progress. */
  async stop(): Promise<void> {
    await Promise.all(this.tasks.splice(0).map((task) => task.destroy()));
    await Promise.allSettled([...this.running]);
  }

  /** node-cron's own messages (a missed or overlapping slot) go to our log, not to the console. */
  private cronLogger(job: string) {
    const warn = (message: string | Error) => this.log.warn(`scheduler: ${job}: ${message instanceof Error ? message.name : message}`, { job });
    return { info: (message: string) => this.log.info(`scheduler: ${job}: ${message}`, { job }), warn, error: warn, debug: () => undefined };
  }

  private track(work: Promise<unknown>): Promise<void> {
    const done = work.then(() => undefined, () => undefined);
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
    return done;
  }
}

function nameOf(error: unknown): string {
  if (error instanceof HubError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
