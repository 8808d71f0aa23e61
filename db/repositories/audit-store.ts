import type { Knex } from 'knex';
import type { AuditEntry, AuditWriter } from '../../broker/middlewares/audit';

export function createAuditWriter(db: Knex): AuditWriter {
  return async (e: AuditEntry) => {
    await db('audit_log').insert({ actor: e.actor, role: e.role, action: e.action, subject: e.subject, correlation_id: e.correlationId, outcome: e.outcome });
  };
}
