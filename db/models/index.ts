import { Model } from 'objection';

/**
 * objection models, used only inside db/repositories (objection is barely maintained: nothing outside db/
 * may depend on it, so it can be replaced by plain knex without touching the services).
 * Models are used unbound and always given the knex or transaction to run on.
 */
export class RequestModel extends Model {
  static override tableName = 'requests';
  static override jsonAttributes = ['applicant', 'data', 'results'];
  id!: string;
  reference!: string;
  service!: string;
  post!: string;
  status!: string;
  owner_sub!: string;
  applicant!: Record<string, unknown>;
  data!: Record<string, unknown>;
  results!: Record<string, unknown>;
  version!: number;
  created_at!: Date;
  updated_at!: Date;
}

export class HistoryModel extends Model {
  static override tableName = 'request_history';
  static override jsonAttributes: string[] = [];
  id!: number;
  request_id!: string;
  at!: Date;
  status!: string;
  actor!: string;
  note!: string | null;
}

export class DocumentModel extends Model {
  static override tableName = 'documents';
  static override jsonAttributes: string[] = []; // `content` is bytea, not JSON
  id!: string;
  request_id!: string;
  kind!: string;
  filename!: string;
  content_type!: string;
  content!: Buffer;
  sha256!: string;
  created_at!: Date;
}
