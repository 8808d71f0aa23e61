import type { Knex } from 'knex';
import { RequestModel } from '../models';
import type { RequestQueryStore } from '../../services/requests/queries';
import { toRecord } from './request-record';

/** Statuses after which an escalation no longer needs anyone. */
const CLOSED = ['rejected', 'completed', 'cancelled'];

/** The queries of services/requests/queries.ts on PostgreSQL (`reference` is unique; `results` is jsonb). */
export function createRequestQueries(db: Knex): RequestQueryStore {
  return {
    async findByReference(reference) {
      const row = await RequestModel.query(db).where('reference', reference).first();
      return row ? toRecord(row) : undefined;
    },
    async listEscalated(filter) {
      const base = RequestModel.query(db).modify((q) => {
        q.whereRaw(`results -> 'escalation' IS NOT NULL AND jsonb_typeof(results -> 'escalation') = 'object'`).whereNotIn('status', CLOSED);
        if (filter.post) q.where('post', filter.post);
        if (filter.service) q.where('service', filter.service);
      });
      const [rows, count] = await Promise.all([
        base.clone().orderByRaw(`results -> 'escalation' ->> 'deadline' ASC NULLS LAST`).orderBy('id').offset((filter.page - 1) * filter.pageSize).limit(filter.pageSize),
        base.clone().resultSize(),
      ]);
      return { items: rows.map(toRecord), total: count };
    },
  };
}
