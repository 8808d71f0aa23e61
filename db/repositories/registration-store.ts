import type { Knex } from 'knex';
import type { Registration, RegistrationDraft, RegistrationRegistry } from '../../services/registration/registry-port';

interface Row {
  number: string; cnie: string; post: string; status: string; person: Registration['person']; residence: Registration['residence'];
  household: Registration['household']; profession: string | null; registered_on: string | Date; valid_until: string | Date; last_request_reference: string | null;
  owner_sub: string | null;
}

/** A `date` column as yyyy-MM-dd whatever the driver hands back (pg gives a local-midnight Date, PGlite a Date or a string). */
function day(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 10);
  const y = value.getFullYear(), m = value.getMonth() + 1, d = value.getDate();
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function toRegistration(row: Row): Registration {
  return {
    number: row.number, post: row.post, status: 'active', person: row.person, residence: row.residence, household: row.household ?? [],
    ...(row.profession ? { profession: row.profession } : {}), registeredOn: day(row.registered_on), validUntil: day(row.valid_until),
    ...(row.last_request_reference ? { lastRequestReference: row.last_request_reference } : {}),
    ...(row.owner_sub ? { ownerSub: row.owner_sub } : {}),
  };
}

function columns(r: RegistrationDraft): Record<string, unknown> {
  return {
    cnie: r.person.cnie, post: r.post, status: r.status, person: JSON.stringify(r.person), residence: JSON.stringify(r.residence),
    household: JSON.stringify(r.household), profession: r.profession ?? null, registered_on: r.registeredOn, valid_until: r.validUntil,
    last_request_reference: r.lastRequestReference ?? null,
    // A draft without an owner leaves the recorded one as it is (the service decides who owns a registration).
    ...(r.ownerSub ? { owner_sub: r.ownerSub } : {}),
  };
}

/** `CG-BRUXELLES` → `BRU`, as request references spell posts. */
function postShort(post: string): string {
  return post.replace(/^CG-/, '').slice(0, 3);
}

/** The consular registry on PostgreSQL (server or embedded). */
export function createRegistrationStore(db: Knex): RegistrationRegistry {
  return {
    async find(number) {
      const row = await db<Row>('registrations').where({ number }).first();
      return row ? toRegistration(row) : undefined;
    },
    async findByCnie(cnie) {
      const row = await db<Row>('registrations').where({ cnie }).first();
      return row ? toRegistration(row) : undefined;
    },
    async save(draft) {
      return db.transaction(async (trx) => {
        // The person's row, by number when the request named one, else by CNIE (a move keeps the number).
        const existing = draft.number
          ? await trx<Row>('registrations').where({ number: draft.number }).forUpdate().first()
          : await trx<Row>('registrations').where({ cnie: draft.person.cnie }).forUpdate().first();
        if (existing) {
          await trx('registrations').where({ number: existing.number })
            .update({ ...columns(draft), registered_on: existing.registered_on, version: trx.raw('version + 1'), updated_at: trx.fn.now() });
          const row = await trx<Row>('registrations').where({ number: existing.number }).first();
          return toRegistration(row as Row);
        }
        const seq = await trx.raw<{ rows: Array<{ n: number }> }>(`SELECT nextval('registration_number_seq') AS n`);
        const number = `REG-${postShort(draft.post)}-${draft.registeredOn.slice(0, 4)}-${String(seq.rows[0].n).padStart(6, '0')}`;
        await trx('registrations').insert({ number, ...columns(draft) });
        const row = await trx<Row>('registrations').where({ number }).first();
        return toRegistration(row as Row);
      });
    },
    async seed(registrations) {
      if (registrations.length === 0) return 0;
      const inserted = await db('registrations').insert(registrations.map((r) => ({ number: r.number, ...columns(r) })))
        .onConflict().ignore().returning('number');
      return inserted.length;
    },
  };
}
