import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CANONICAL_SCHEMAS, compileCanonicalValidators, type CanonicalName } from './index';

/** Realistic examples built on the demo people (README): Amina EL FASSI, Youssef BENANI, Khadija ALAOUI. */
function example(name: CanonicalName): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(__dirname, 'examples', `${name}.example.json`), 'utf8')) as Record<string, unknown>;
}

const validators = compileCanonicalValidators();
const NAMES = Object.keys(CANONICAL_SCHEMAS) as CanonicalName[];

function errorsOf(name: CanonicalName, value: unknown): string[] {
  const validate = validators[name] as (value: unknown) => boolean;
  if (validate(value)) return [];
  return (validators[name].errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params.additionalProperty ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

describe('canonical schemas', () => {
  it('compile with ajv in strict mode, each under its $id named after its file', () => {
    for (const name of NAMES) {
      expect(validators[name]).toEqual(expect.any(Function));
      expect(CANONICAL_SCHEMAS[name].$id).toBe(`https://schemas.econsulat.invalid/canonical/${name}.schema.json`);
    }
  });

  it.each(NAMES)('%s accepts its realistic example', (name) => {
    expect(errorsOf(name, example(name))).toEqual([]);
  });

  it.each(NAMES)('%s rejects a field it does not define, at the top', (name) => {
    expect(errorsOf(name, { ...example(name), nickname: 'x' })).toContain('/ must NOT have additional properties (nickname)');
  });

  it('reject an extra field inside nested objects too (closed all the way down)', () => {
    const person = example('person') as { addresses: Array<Record<string, unknown>> };
    person.addresses[0].floor = '3';
    expect(errorsOf('person', person)).toContain('/addresses/0 must NOT have additional properties (floor)');
    const repatriation = example('repatriation') as { deceased: { death: Record<string, unknown> } };
    repatriation.deceased.death.hospital = 'La Paz';
    expect(errorsOf('repatriation', repatriation)).toContain('/deceased/death must NOT have additional properties (hospital)');
  });
});

describe('what the schemas guarantee', () => {
  it('person: the identifiers of a national abroad, and dates and countries in their canonical form', () => {
    const amina = example('person');
    expect(errorsOf('person', { ...amina, birthDate: '12/04/1990' })).toEqual(['/birthDate must match format "date"']);
    expect(errorsOf('person', { ...amina, birthPlace: { locality: 'Fès', country: 'MA' } })).toEqual(['/birthPlace/country must match pattern "^[A-Z]{3}$"']);
    expect(errorsOf('person', { ...amina, phone: '06 12 34 56 78' })).toEqual(['/phone must match pattern "^\\+[1-9][0-9]{6,14}$"']);
  });

  it('registration: Youssef BENANI\'s number has the post and year in it', () => {
    const registration = example('registration');
    expect(registration.number).toBe('REG-BRU-2019-000042');
    expect(errorsOf('registration', { ...registration, number: 'BRU-42' })).toHaveLength(1);
  });

  it('deceased: a sealed cause carries no ICD-10 code (medical secret stays under seal)', () => {
    const deceased = example('deceased') as { death: Record<string, unknown> };
    expect(errorsOf('deceased', { ...deceased, death: { ...deceased.death, cause: { sealed: false, icd10: 'I21.9' } } })).toEqual([]);
    expect(errorsOf('deceased', { ...deceased, death: { ...deceased.death, cause: { sealed: true, icd10: 'I21.9' } } })).toContain('/death/cause/icd10 boolean schema is false');
  });

  it('document: a digest is 64 lower-case hex characters, and the confidentiality level is one of four', () => {
    const document = example('document');
    expect(errorsOf('document', { ...document, sha256: String(document.sha256).toUpperCase() })).toHaveLength(1);
    expect(errorsOf('document', { ...document, confidentiality: 'secret' })).toEqual(['/confidentiality must be equal to one of the allowed values']);
  });

  it('clearance: a pending clearance has no decision data', () => {
    const clearance = example('clearance');
    expect(errorsOf('clearance', { ...clearance, status: 'pending' })).toEqual(expect.arrayContaining(['/decidedAt boolean schema is false', '/decisionReference boolean schema is false']));
    expect(errorsOf('clearance', { agency: 'health', kind: 'sanitary-clearance', caseReference: 'REP-MAD-2026-000001', status: 'refused', reason: 'Cercueil non hermétique' })).toEqual([]);
  });

  it('judicial document: a certificate says when, where and to whom it was served, or why not', () => {
    const pli = example('judicial-document');
    expect(errorsOf('judicial-document', { ...pli, serviceOutcome: { result: 'served-simple-delivery', servedOn: '2026-12-08' } }))
      .toEqual(expect.arrayContaining(['/serviceOutcome must have required property \'place\'', '/serviceOutcome must have required property \'deliveredTo\'']));
    expect(errorsOf('judicial-document', { ...pli, status: 'not-served', serviceOutcome: { result: 'not-served', notServedReason: 'moved', facts: 'Parti sans adresse.' } })).toEqual([]);
    expect(errorsOf('judicial-document', { ...pli, serviceOutcome: { result: 'not-served', notServedReason: 'other' } }))
      .toContain('/serviceOutcome must have required property \'facts\'');
    expect(errorsOf('judicial-document', { ...pli, serviceOutcome: { result: 'not-served', notServedReason: 'refused', servedOn: '2026-12-08' } }))
      .toContain('/serviceOutcome/servedOn boolean schema is false');
  });

  it('judicial document: a rejected intake names its reason, an accepted one has none', () => {
    const pli = example('judicial-document');
    expect(errorsOf('judicial-document', { ...pli, intake: { outcome: 'rejected' } })).toContain('/intake must have required property \'rejectionReason\'');
    expect(errorsOf('judicial-document', { ...pli, intake: { outcome: 'rejected', rejectionReason: 'outside-district' } })).toEqual([]);
    expect(errorsOf('judicial-document', { ...pli, intake: { outcome: 'accepted', rejectionReason: 'invalid-data' } })).toContain('/intake/rejectionReason boolean schema is false');
  });

  it('payment: the amount is a decimal string, never a float', () => {
    const payment = example('payment');
    expect(errorsOf('payment', { ...payment, amount: 100 })).toEqual(['/amount must be string']);
    expect(errorsOf('payment', { ...payment, amount: '100.005' })).toEqual([]);
    expect(errorsOf('payment', { ...payment, amount: '1e2' })).toHaveLength(1);
  });
});
