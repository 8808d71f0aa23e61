/**
 * The Ministry of Health's decision feed, read on a schedule (health.md): GET …/decisions?depuis=&page=.
 *
 * Reading it as keyset pages: each page is asked with `depuis` = the latest decision time seen, so a
 * page shifted or repeated by the Ministry cannot make the reader skip decisions. `depuis` is inclusive:
 * the decisions at that instant come again, and are absorbed by their number (kept in the cursor), then
 * by the inbox's unique partner message id (`decision:<Numero>`). The cursor (`feed_cursors`) moves only
 * after the decisions before it were handed over, so a crash re-reads, never loses.
 *
 * - An entry that breaks the XSD is quarantined (`onQuarantine`) and the rest of the page goes on.
 * - A page whose entries are all older than `depuis` is an inconsistent (repeated, stale) answer: the run
 *   stops there without moving the cursor; the next run asks again.
 * - More decisions at one instant than a page holds: the next page of the same `depuis` is read.
 * - Two runs at once (a run slower than the schedule, on two nodes): cursor writes are compare-and-set,
 *   so the overtaken run stops rather than move the cursor back; what both handed over is absorbed by the inbox.
 * - Local Rabat times become UTC ISO (`local-time.ts`); numeric character references are decoded by the
 *   connector's parser.
 */
import type { Knex } from 'knex';
import type { FieldError } from '../../../broker/errors';
import type { InboundRecord } from '../../../broker/inbox/inbox-store';
import { readFeedCursor, writeFeedCursor } from '../../../broker/scheduler/feed-cursors';
import type { XmlReadResult } from '../../xml-http';
import { rabatLocalToUtcIso } from './local-time';

export const HEALTH_PARTNER = 'health';
export const DECISION_FEED = 'decisions';
/** Stored like the other partners' events (`event.<type>`), so the binding's `mappings` can name its answer mapping. */
export const DECISION_OPERATION = 'event.Decision';

/** What the reader needs of the connector (the xml-http connector's `read`). */
export interface FeedSource {
  read(operation: string, query: Record<string, string>): Promise<XmlReadResult>;
}

export interface QuarantinedEntry {
  partner: string;
  feed: string;
  /** The entry's number when it has a readable one. */
  numero?: string;
  reason: string;
  errors: FieldError[];
  /** The entry as parsed, for an engineer to inspect (stored, never logged). */
  content: Record<string, unknown>;
}

// A type alias, not an interface: it must be assignable to the inbox's `Record<string, unknown>` payload.
export type DecisionPayload = {
  numero: string;
  referenceDossier: string;
  statut: 'ACCORDEE' | 'ACCORDEE_SOUS_CONDITIONS' | 'REFUSEE';
  conditions?: string;
  motif?: string;
  /** UTC, ISO 8601. */
  decidedAt: string;
  /** As the Ministry wrote it (Rabat local time). */
  decidedAtLocal: string;
};

export interface DecisionFeedDeps {
  db: Knex;
  source: FeedSource;
  /** Stores one decision; the hub wires it to the inbox (`recordInbound`), de-duplicated by message id. */
  onDecision(record: InboundRecord & { payload: DecisionPayload }): Promise<void>;
  onQuarantine(entry: QuarantinedEntry): Promise<void>;
  /** Operation of the binding that reads a page; default `decisions.read`. */
  operation?: string;
  /** Where a reader without a cursor starts; default the Unix epoch (everything the feed has). */
  startAt?: Date;
  /** Bound on pages read in one run (the next run goes on); default 50. */
  maxPagesPerRun?: number;
}

export interface FeedCursor {
  /** UTC ISO: the latest decision time handed over. */
  depuis: string;
  /** Numbers of the decisions at exactly `depuis` already handed over. */
  seen: string[];
}

export interface PollReport {
  pages: number;
  delivered: number;
  duplicates: number;
  quarantined: number;
  /** Why the run stopped early, if it did. */
  stopped?: 'inconsistent-page' | 'page-limit' | 'overtaken';
  cursor: FeedCursor;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function parseCursor(raw: string | undefined, startAt: Date): FeedCursor {
  if (raw === undefined) return { depuis: startAt.toISOString(), seen: [] };
  const value = JSON.parse(raw) as Partial<FeedCursor>;
  if (typeof value.depuis !== 'string' || Number.isNaN(Date.parse(value.depuis)) || !Array.isArray(value.seen)) throw new Error('feed cursor unreadable');
  return { depuis: value.depuis, seen: value.seen.filter((s): s is string => typeof s === 'string') };
}

export class HealthDecisionFeed {
  constructor(private readonly deps: DecisionFeedDeps) {}

  async cursor(): Promise<FeedCursor> {
    return parseCursor(await readFeedCursor(this.deps.db, HEALTH_PARTNER, DECISION_FEED), this.deps.startAt ?? new Date(0));
  }

  /** Moves the stored cursor from `stored` to `next`; false when another run moved it meanwhile. */
  private async advance(stored: string | undefined, next: FeedCursor): Promise<string | undefined> {
    const text = JSON.stringify(next);
    return (await writeFeedCursor(this.deps.db, HEALTH_PARTNER, DECISION_FEED, text, stored)) ? text : undefined;
  }

  /** One run: reads pages until the feed is exhausted (or the page limit), handing each decision over once. */
  async poll(): Promise<PollReport> {
    let stored = await readFeedCursor(this.deps.db, HEALTH_PARTNER, DECISION_FEED);
    let cursor = parseCursor(stored, this.deps.startAt ?? new Date(0));
    const report: PollReport = { pages: 0, delivered: 0, duplicates: 0, quarantined: 0, cursor };
    const handedThisRun = new Set<string>();
    const maxPages = this.deps.maxPagesPerRun ?? 50;
    let page = 1;
    for (;;) {
      if (report.pages >= maxPages) { report.stopped = 'page-limit'; break; }
      const result = await this.deps.source.read(this.deps.operation ?? 'decisions.read', { depuis: cursor.depuis, page: String(page) });
      report.pages += 1;
      if (result.items.length === 0) break;
      const depuisMs = Date.parse(cursor.depuis);
      let latestMs = depuisMs;
      let stale = 0;
      const atInstant = new Map<number, string[]>();
      for (const item of result.items) {
        const entry = await this.readEntry(item.content, item.errors);
        if (!entry.ok) {
          report.quarantined += 1;
          continue;
        }
        const decided = Date.parse(entry.payload.decidedAt);
        if (decided < depuisMs) { stale += 1; report.duplicates += 1; continue; }
        atInstant.set(decided, [...(atInstant.get(decided) ?? []), entry.payload.numero]);
        latestMs = Math.max(latestMs, decided);
        const known = handedThisRun.has(entry.payload.numero) || (decided === depuisMs && cursor.seen.includes(entry.payload.numero));
        if (known) { report.duplicates += 1; continue; }
        await this.deps.onDecision({
          partner: HEALTH_PARTNER,
          messageId: `decision:${entry.payload.numero}`,
          operation: DECISION_OPERATION,
          caseReference: entry.payload.referenceDossier,
          payload: entry.payload,
        });
        handedThisRun.add(entry.payload.numero);
        report.delivered += 1;
      }
      const pages = Number(result.content['@pages'] ?? '0');
      if (latestMs > depuisMs) {
        cursor = { depuis: new Date(latestMs).toISOString(), seen: [...new Set(atInstant.get(latestMs) ?? [])] };
        stored = await this.advance(stored, cursor);
        if (stored === undefined) { report.stopped = 'overtaken'; break; }
        if (page >= pages) break;
        page = 1; // keyset: ask again from the new `depuis`
        continue;
      }
      if (stale > 0) { report.stopped = 'inconsistent-page'; break; }
      // Everything on this page is at `depuis`: remember it, and read on at the same instant.
      cursor = { depuis: cursor.depuis, seen: [...new Set([...cursor.seen, ...(atInstant.get(depuisMs) ?? [])])] };
      stored = await this.advance(stored, cursor);
      if (stored === undefined) { report.stopped = 'overtaken'; break; }
      if (page >= pages) break;
      page += 1;
    }
    report.cursor = cursor;
    return report;
  }

  private async readEntry(content: Record<string, unknown>, errors: FieldError[]): Promise<{ ok: true; payload: DecisionPayload } | { ok: false }> {
    const numero = text(content.Numero);
    const quarantine = async (reason: string, why: FieldError[]) => {
      await this.deps.onQuarantine({ partner: HEALTH_PARTNER, feed: DECISION_FEED, numero, reason, errors: why, content });
      return { ok: false as const };
    };
    if (errors.length > 0) return quarantine('the entry does not match the schema', errors);
    const local = text(content.DecideLe) ?? '';
    let decidedAt: string;
    try {
      decidedAt = rabatLocalToUtcIso(local);
    } catch {
      return quarantine('DecideLe is not a Rabat local date-time', [{ path: 'DecideLe', message: 'is not a local date-time' }]);
    }
    const payload: DecisionPayload = {
      numero: numero ?? '',
      referenceDossier: text(content.ReferenceDossier) ?? '',
      statut: content.Statut as DecisionPayload['statut'],
      decidedAt,
      decidedAtLocal: local,
    };
    const conditions = text(content.Conditions);
    const motif = text(content.Motif);
    if (conditions !== undefined) payload.conditions = conditions;
    if (motif !== undefined) payload.motif = motif;
    return { ok: true, payload };
  }
}
