import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { DocumentModel, HistoryModel, RequestModel } from '../models';
import { SubmissionBatcher } from './submission-batcher';
import { createRequestQueries } from './request-queries';
import { createRequestDataQueries } from './request-data-queries';
import type {
  CreateOutcome, DocumentDraft, DocumentMeta, ExchangeView, HistoryEntry, ListFilter, NewRequest, OutboxDraft,
  RequestDetails, RequestStore, Transition, TransitionOutcome,
} from '../../services/requests/ports';
import { iso, toRecord } from './request-record';


function postShort(post: string): string {
  return post.replace(/^CG-/, '').slice(0, 3);
}

async function insertOutbox(trx: Knex.Transaction, requestId: string, caseReference: string, drafts: OutboxDraft[], correlationId?: string): Promise<void> {
  if (drafts.length === 0) return;
  await trx('outbox').insert(drafts.map((d) => ({
    id: randomUUID(), request_id: requestId, case_reference: caseReference, partner: d.partner, operation: d.operation,
    payload: JSON.stringify(d.payload), reply_action: d.replyAction ?? null, correlation_id: correlationId ?? null,
  })));
}

async function insertHistory(trx: Knex.Transaction, requestId: string, entries: HistoryEntry[]): Promise<void> {
  await HistoryModel.query(trx).insert(entries.map((h) => ({ request_id: requestId, at: new Date(h.at), status: h.status, actor: h.actor, note: h.note ?? null })));
}

async function insertDocuments(trx: Knex.Transaction, requestId: string, drafts: DocumentDraft[]): Promise<void> {
  for (const d of drafts) {
    await DocumentModel.query(trx).insert({
      id: randomUUID(), request_id: requestId, kind: d.kind, filename: d.filename, content_type: d.contentType, content: d.content,
      sha256: createHash('sha256').update(d.content).digest('hex'),
    });
  }
}

/** The request store on PostgreSQL (server or embedded): every change and the messages it causes in one transaction. */
export function createRequestStore(db: Knex, opts: { poolMax?: number } = {}): RequestStore {
  // Leave connections for reads and the relay: at most half the pool writes submissions at a time.
  const batcher = new SubmissionBatcher(db, { maxBatch: 64, maxInFlight: Math.max(1, Math.floor((opts.poolMax ?? 10) / 2)) });
  return {
    ...createRequestQueries(db),
    ...createRequestDataQueries(db),
    async create(input: NewRequest, idem): Promise<CreateOutcome> {
      const year = input.history[0]?.at.slice(0, 4) ?? new Date().toISOString().slice(0, 4);
      const r = await batcher.submit({
        owner_sub: input.ownerSub, key: idem.key, body_sha256: idem.bodySha256, id: input.id,
        reference_prefix: `${input.referencePrefix}-${postShort(input.post)}-${year}-`, service: input.service, post: input.post, status: input.status,
        applicant: input.applicant, data: input.data, correlation_id: input.correlationId ?? null,
        history: input.history.map((h) => ({ at: h.at, status: h.status, actor: h.actor, note: h.note ?? null })),
        outbox: input.outbox.map((m) => ({ partner: m.partner, operation: m.operation, payload: m.payload, reply_action: m.replyAction ?? null })),
      });
      if (r) {
        return { kind: 'created', request: {
          id: r.id, reference: r.reference, service: input.service, post: input.post, status: input.status, ownerSub: input.ownerSub,
          applicant: input.applicant, data: input.data, results: {}, version: Number(r.version), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
        } };
      }
      // The key was taken (by an earlier call, or a concurrent twin that has now committed): same body → same request.
      const existing = await db('idempotency_keys').where({ owner_sub: input.ownerSub, key: idem.key }).first();
      if (!existing || existing.body_sha256 !== idem.bodySha256) return { kind: 'key-conflict' };
      const row = await RequestModel.query(db).findById(String(existing.request_id));
      return row ? { kind: 'replayed', request: toRecord(row) } : { kind: 'key-conflict' };
    },
    async find(id) {
      const row = await RequestModel.query(db).findById(id);
      return row ? toRecord(row) : undefined;
    },
    async details(id): Promise<RequestDetails | undefined> {
      const row = await RequestModel.query(db).findById(id);
      if (!row) return undefined;
      const [history, out, inbound, docs] = await Promise.all([
        HistoryModel.query(db).where('request_id', id).orderBy('id'),
        db('outbox').where('request_id', id).orderBy('created_at'),
        db('inbox').where('request_id', id).orderBy('id'),
        DocumentModel.query(db).select('id', 'kind', 'filename', 'content_type', 'created_at').where('request_id', id).orderBy('created_at'),
      ]);
      const exchanges: ExchangeView[] = [
        ...out.map((o: Record<string, unknown>): ExchangeView => ({
          id: String(o.id), partner: String(o.partner), operation: String(o.operation), direction: 'out', status: String(o.status),
          attempts: Number(o.attempts), at: iso(o.updated_at as Date),
          ...(o.last_error_code ? { lastErrorCode: String(o.last_error_code), lastError: String(o.last_error) } : {}),
        })),
        ...inbound.map((i: Record<string, unknown>): ExchangeView => ({
          id: String(i.message_id), partner: String(i.partner), operation: String(i.operation), direction: 'in', status: String(i.status),
          attempts: Number(i.attempts), at: iso(i.received_at as Date), ...(i.error ? { lastError: String(i.error) } : {}),
        })),
      ].sort((a, b) => a.at.localeCompare(b.at));
      return {
        ...toRecord(row),
        history: history.map((h) => ({ at: iso(h.at), status: h.status, actor: h.actor, ...(h.note ? { note: h.note } : {}) })),
        exchanges,
        documents: docs.map((d): DocumentMeta => ({ id: d.id, kind: d.kind, filename: d.filename, contentType: d.content_type, createdAt: iso(d.created_at) })),
      };
    },
    async list(filter: ListFilter) {
      const base = RequestModel.query(db).modify((q) => {
        if (filter.post) q.where('post', filter.post);
        if (filter.ownerSub) q.where('owner_sub', filter.ownerSub);
        if (filter.status) q.where('status', filter.status);
        if (filter.service) q.where('service', filter.service);
      });
      const [rows, count] = await Promise.all([
        base.clone().orderBy('created_at', 'desc').orderBy('id').offset((filter.page - 1) * filter.pageSize).limit(filter.pageSize),
        base.clone().resultSize(),
      ]);
      return { items: rows.map(toRecord), total: count };
    },
    async transition(change: Transition): Promise<TransitionOutcome> {
      return db.transaction(async (trx) => {
        const resultsPatch = JSON.stringify(change.results ?? {});
        const updated = await trx('requests')
          .where('id', change.id).whereIn('status', change.from)
          .update({ status: change.to, version: trx.raw('version + 1'), updated_at: trx.fn.now(), results: trx.raw('results || ?::jsonb', [resultsPatch]) })
          .returning('*');
        if (updated.length === 0) {
          const current = await trx('requests').select('status').where('id', change.id).first();
          return current ? { kind: 'status-conflict', status: String(current.status) } : { kind: 'not-found' };
        }
        const row = RequestModel.fromJson(updated[0], { skipValidation: true });
        await insertHistory(trx, change.id, [change.history]);
        await insertOutbox(trx, change.id, row.reference, change.outbox ?? [], change.correlationId);
        await insertDocuments(trx, change.id, change.documents ?? []);
        return { kind: 'applied', request: toRecord(row) };
      });
    },
    async note(id, entry) {
      await db.transaction((trx) => insertHistory(trx, id, [entry]));
    },
    async document(requestId, documentId) {
      const d = await DocumentModel.query(db).where({ request_id: requestId, id: documentId }).first();
      return d ? { id: d.id, kind: d.kind, filename: d.filename, contentType: d.content_type, createdAt: iso(d.created_at), content: Buffer.from(d.content) } : undefined; // PGlite returns a Uint8Array
    },
  };
}

