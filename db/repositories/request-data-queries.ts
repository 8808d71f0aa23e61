import type { Knex } from 'knex';
import { RequestModel } from '../models';
import type { RequestDataQueryStore } from '../../services/requests/data-queries';
import { toRecord } from './request-record';

/** services/requests/data-queries.ts on PostgreSQL; field names are checked by the action (letters and digits only). */
export function createRequestDataQueries(db: Knex): RequestDataQueryStore {
  return {
    async findByDataField(filter) {
      const rows = await RequestModel.query(db).where('service', filter.service).whereRaw('data ->> ? = ?', [filter.field, filter.value])
        .modify((q) => { if (filter.post) q.where('post', filter.post); })
        .orderBy('created_at', 'desc').limit(filter.limit);
      return rows.map(toRecord);
    },
    async listDataDateBefore(filter) {
      const base = RequestModel.query(db).where('service', filter.service).whereRaw('(data ->> ?) < ?', [filter.field, filter.before])
        .modify((q) => {
          if (filter.post) q.where('post', filter.post);
          if (filter.excludeStatuses.length) q.whereNotIn('status', filter.excludeStatuses);
        });
      const [rows, total] = await Promise.all([
        base.clone().orderByRaw('(data ->> ?) ASC', [filter.field]).orderBy('id').offset((filter.page - 1) * filter.pageSize).limit(filter.pageSize),
        base.clone().resultSize(),
      ]);
      return { items: rows.map(toRecord), total };
    },
  };
}
