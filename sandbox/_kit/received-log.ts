/**
 * What a sandbox agency received, for tests and for an engineer at the control endpoint.
 * Kept in memory only and never printed: requests carry personal data. The query string
 * (where NARSA's holder data travel) is reduced to its parameter names for the same reason.
 */

export type InjectedFault = 'fail503' | 'fail429' | 'timeout' | 'rate-limit';

export interface ReceivedRequest {
  /** 1, 2, 3… in arrival order since the last reset. */
  seq: number;
  /** Arrival time, ISO 8601 UTC. */
  at: string;
  method: string;
  /** The path as it arrived on the wire (still percent-encoded), without the query string. */
  path: string;
  /** Names of the query parameters, in order; their values are not kept. */
  queryKeys: string[];
  /** `X-Message-Id`, or null when missing. */
  messageId: string | null;
  /** `X-Case-Reference`, or null when missing. */
  caseReference: string | null;
  /** True when this message id had been received before: a retry of the same message. */
  repeated: boolean;
  /** Status answered; null while unanswered, and for ever if the client gave up first. */
  status: number | null;
  /** The fault switch or limit that decided the answer, if any. */
  fault: InjectedFault | null;
}

export interface ReceivedCounts {
  received: number;
  answered: number;
  unanswered: number;
  byStatus: Record<string, number>;
  repeatedMessageIds: number;
  refusedConnections: number;
}

// Bounds so a long embedded run cannot grow memory without limit; counts stay exact.
const MAX_ENTRIES = 10_000;
const MAX_REMEMBERED_IDS = 100_000;

export interface NewRequest {
  method: string;
  path: string;
  queryKeys: string[];
  messageId: string | null;
  caseReference: string | null;
}

export class ReceivedLog {
  private list: ReceivedRequest[] = [];
  private seenIds = new Set<string>();
  private seq = 0;
  private answeredCount = 0;
  private repeats = 0;
  private refused = 0;
  private statuses = new Map<number, number>();

  /** Entries, oldest first (the most recent 10,000). */
  entries(): readonly ReceivedRequest[] {
    return this.list;
  }

  byMessageId(messageId: string): ReceivedRequest[] {
    return this.list.filter((entry) => entry.messageId === messageId);
  }

  counts(): ReceivedCounts {
    return {
      received: this.seq,
      answered: this.answeredCount,
      unanswered: this.seq - this.answeredCount,
      byStatus: Object.fromEntries([...this.statuses].map(([status, n]) => [String(status), n])),
      repeatedMessageIds: this.repeats,
      refusedConnections: this.refused,
    };
  }

  clear(): void {
    this.list = [];
    this.seenIds.clear();
    this.seq = 0;
    this.answeredCount = 0;
    this.repeats = 0;
    this.refused = 0;
    this.statuses.clear();
  }

  /** Records an arriving request; the sandbox fills in the answer with `answered`. */
  record(request: NewRequest): ReceivedRequest {
    const repeated = request.messageId !== null && this.seenIds.has(request.messageId);
    if (repeated) this.repeats += 1;
    else if (request.messageId !== null) this.remember(request.messageId);
    const entry: ReceivedRequest = { seq: ++this.seq, at: new Date().toISOString(), ...request, repeated, status: null, fault: null };
    this.list.push(entry);
    if (this.list.length > MAX_ENTRIES) this.list.shift();
    return entry;
  }

  answered(entry: ReceivedRequest, status: number, fault: InjectedFault | null = null): void {
    if (entry.status !== null) return;
    entry.status = status;
    entry.fault = fault;
    this.answeredCount += 1;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  /** A request held unanswered on purpose (the `timeout` fault). */
  heldUnanswered(entry: ReceivedRequest): void {
    entry.fault = 'timeout';
  }

  /** A connection closed on accept because the agency is `down`. */
  refusedConnection(): void {
    this.refused += 1;
  }

  private remember(messageId: string): void {
    this.seenIds.add(messageId);
    if (this.seenIds.size > MAX_REMEMBERED_IDS) {
      const oldest = this.seenIds.values().next();
      if (!oldest.done) this.seenIds.delete(oldest.value);
    }
  }
}
