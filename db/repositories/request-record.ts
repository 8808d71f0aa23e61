import type { RequestModel } from '../models';
import type { RequestRecord } from '../../services/requests/ports';

/** A timestamp column as ISO 8601 UTC: PostgreSQL gives a Date, PGlite sometimes a string. */
export const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** A `requests` row as the services see it. */
export function toRecord(row: RequestModel): RequestRecord {
  return {
    id: row.id, reference: row.reference, service: row.service, post: row.post, status: row.status, ownerSub: row.owner_sub,
    applicant: row.applicant, data: row.data, results: row.results ?? {}, version: row.version,
    createdAt: iso(row.created_at), updatedAt: iso(row.updated_at),
  };
}
