import type { RequestQueryStore } from './queries';
import type { RequestDataQueryStore } from './data-queries';

/**
 * What the request lifecycle needs from the world, as interfaces: the database implementation lives in
 * db/repositories and is passed in at wiring time (services/ does no I/O of its own).
 */
export interface HistoryEntry { at: string; status: string; actor: string; note?: string }

/** A partner message to send once the state change that causes it has committed. */
export interface OutboxDraft {
  partner: string;
  operation: string;
  payload: Record<string, unknown>;
  /** Broker action that receives the partner's answer (or the dead-letter notice). */
  replyAction?: string;
}

export interface DocumentDraft { kind: string; filename: string; contentType: string; content: Buffer }

export interface RequestRecord {
  id: string;
  reference: string;
  service: string;
  post: string;
  status: string;
  ownerSub: string;
  applicant: Record<string, unknown>;
  data: Record<string, unknown>;
  results: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ExchangeView {
  id: string; partner: string; operation: string; direction: 'out' | 'in'; status: string; attempts: number; at: string;
  lastErrorCode?: string; lastError?: string;
}
export interface DocumentMeta { id: string; kind: string; filename: string; contentType: string; createdAt: string }

export interface RequestDetails extends RequestRecord {
  history: HistoryEntry[];
  exchanges: ExchangeView[];
  documents: DocumentMeta[];
}

export interface NewRequest {
  id: string;
  referencePrefix: string;
  service: string;
  post: string;
  ownerSub: string;
  applicant: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Status after the creation steps (e.g. `awaiting-partners` when a partner is asked at once). */
  status: string;
  history: HistoryEntry[];
  outbox: OutboxDraft[];
  correlationId?: string;
}

export type CreateOutcome =
  | { kind: 'created'; request: RequestRecord }
  | { kind: 'replayed'; request: RequestRecord }
  | { kind: 'key-conflict' };

export interface Transition {
  id: string;
  /** The change applies only if the request is in one of these statuses (checked atomically). */
  from: string[];
  to: string;
  history: HistoryEntry;
  outbox?: OutboxDraft[];
  documents?: DocumentDraft[];
  /** Merged into `results` (shallow). */
  results?: Record<string, unknown>;
  correlationId?: string;
}

export type TransitionOutcome = { kind: 'applied'; request: RequestRecord } | { kind: 'status-conflict'; status: string } | { kind: 'not-found' };

export interface ListFilter { post?: string; ownerSub?: string; status?: string; service?: string; page: number; pageSize: number }

export interface RequestStore extends RequestQueryStore, RequestDataQueryStore {
  create(request: NewRequest, idempotency: { key: string; bodySha256: string }): Promise<CreateOutcome>;
  find(id: string): Promise<RequestRecord | undefined>;
  details(id: string): Promise<RequestDetails | undefined>;
  list(filter: ListFilter): Promise<{ items: RequestRecord[]; total: number }>;
  transition(change: Transition): Promise<TransitionOutcome>;
  /** A history note without a status change (e.g. a partner message went to dead letters). */
  note(id: string, entry: HistoryEntry): Promise<void>;
  document(requestId: string, documentId: string): Promise<(DocumentMeta & { content: Buffer }) | undefined>;
}
