/**
 * Checks request bodies against dgsn.md. Errors name the field and the rule, never the value.
 */
import type { IdentityQuery, TransportRequest } from './register';

export interface TransportRequestError { path: string; message: string }
type Checked<T> = { value: T } | { errors: TransportRequestError[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const CNIE = /^[A-Za-z]{1,2}\d{3,8}$/;
/** Latin script only (the contract asks for Latin names): letters with accents, spaces, hyphens, apostrophes. */
const LATIN_NAME = /^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F '-]{0,99}$/;

class Checker {
  readonly errors: TransportRequestError[] = [];

  object(value: unknown, path: string): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    this.errors.push({ path, message: 'must be an object' });
    return undefined;
  }

  string(obj: Record<string, unknown>, key: string, path: string, rule?: { pattern: RegExp; says: string }, optional = false): void {
    const value = obj[key];
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || value.trim() === '') {
      this.errors.push({ path: `${path}/${key}`, message: 'is required (a non-empty string)' });
      return;
    }
    if (rule && !rule.pattern.test(value)) this.errors.push({ path: `${path}/${key}`, message: rule.says });
    else if (rule?.pattern === DATE && Number.isNaN(Date.parse(`${value}T00:00:00Z`))) this.errors.push({ path: `${path}/${key}`, message: rule.says });
  }
}

const date = { pattern: DATE, says: 'must be a date yyyy-MM-dd' };
const latin = { pattern: LATIN_NAME, says: 'must be a name in Latin script' };
const cnie = { pattern: CNIE, says: 'must be a CNIE number (letters then digits)' };

export function validateIdentityQuery(body: unknown): Checked<IdentityQuery> {
  const c = new Checker();
  const obj = c.object(body, '');
  if (obj) {
    c.string(obj, 'cnie', '', cnie);
    c.string(obj, 'familyName', '', latin);
    c.string(obj, 'givenNames', '', latin);
    c.string(obj, 'birthDate', '', date);
  }
  return c.errors.length > 0 ? { errors: c.errors } : { value: body as IdentityQuery };
}

export function validateTransportRequest(body: unknown): Checked<TransportRequest> {
  const c = new Checker();
  const obj = c.object(body, '');
  if (obj) {
    c.string(obj, 'caseReference', '');
    const deceased = c.object(obj.deceased, '/deceased');
    if (deceased) {
      c.string(deceased, 'cnie', '/deceased', cnie, true);
      c.string(deceased, 'familyName', '/deceased', latin);
      c.string(deceased, 'givenNames', '/deceased', latin);
      c.string(deceased, 'birthDate', '/deceased', date);
    }
    c.string(obj, 'laissezPasserNumber', '', undefined, true);
    c.string(obj, 'borderPost', '');
    c.string(obj, 'carrier', '');
    c.string(obj, 'flightOrVoyage', '');
    c.string(obj, 'expectedArrivalAt', '', { pattern: DATE_TIME, says: 'must be a date-time with its offset' });
    if (!Array.isArray(obj.escorts)) c.errors.push({ path: '/escorts', message: 'must be an array' });
    else obj.escorts.forEach((escort: unknown, i: number) => {
      const e = c.object(escort, `/escorts/${i}`);
      if (!e) return;
      c.string(e, 'familyName', `/escorts/${i}`, latin);
      c.string(e, 'givenNames', `/escorts/${i}`, latin);
      c.string(e, 'passportNumber', `/escorts/${i}`);
    });
  }
  return c.errors.length > 0 ? { errors: c.errors } : { value: body as TransportRequest };
}
