/**
 * The NARSA result record mapping, compiled from its YAML (mappings/partners/narsa/licence-check.in.yaml), against
 * JSONata evaluating the same mapping, in the same run, on the same records (issue 4: ≥ 500,000 records/s and ≥ 10×
 * JSONata). The compiled mapping also validates each output against the canonical schema; JSONata does not.
 */
import jsonata from 'jsonata';
import { loadMappingSet } from '../app/mapping-files';

const STATUS: Record<string, string> = { VALIDE: 'valid', SUSPENDU: 'suspended', ANNULE: 'cancelled', EXPIRE: 'expired', REMPLACE: 'replaced' };

/** The same fields as the YAML mapping, for a 200 answer. */
const JSONATA_MAPPING = `{
  "licenceNumber": body.numero,
  "outcome": $lookup($status, body.statut),
  "holder": {
    "familyName": body.titulaire.nom, "givenNames": body.titulaire.prenom,
    "familyNameAr": body.titulaire.nomArabe, "givenNamesAr": body.titulaire.prenomArabe,
    "birthDate": body.titulaire.dateNaissance,
    "identifiers": { "cnie": body.titulaire.cnie, "drivingLicence": body.numero }
  },
  "issuedOn": body.dateDelivrance, "expiresOn": body.dateExpiration,
  "categories": [body.categories.{ "code": code, "obtainedOn": dateObtention, "expiresOn": dateExpiration, "restrictions": restrictions ? restrictions : [] }],
  "issuingCentre": body.centreEmetteur,
  "verifiedAt": $fromMillis($toMillis(receivedAt))
}`;

function records(n: number): unknown[] {
  const statuses = Object.keys(STATUS);
  return Array.from({ length: n }, (_, i) => ({
    status: 200, receivedAt: '2026-11-27T02:10:00+01:00',
    request: { licenceNumber: `${10 + (i % 80)}/${String(100000 + i).slice(-6)}`, cnie: 'BK123456', birthDate: '1990-04-12' },
    body: {
      numero: `${10 + (i % 80)}/${String(100000 + i).slice(-6)}`,
      titulaire: { cnie: `BK${String(100000 + (i % 900000)).padStart(6, '0')}`, nom: 'EL FASSI', prenom: 'Amina', nomArabe: 'الفاسي', prenomArabe: 'أمينة', dateNaissance: '1990-04-12' },
      dateDelivrance: '2019-03-04', dateExpiration: '2029-03-04', statut: statuses[i % statuses.length],
      categories: [{ code: 'B', dateObtention: '2009-07-15', restrictions: [] }, ...(i % 3 === 0 ? [{ code: 'A1', dateObtention: '2012-01-10', restrictions: ['lunettes'] }] : [])],
      centreEmetteur: 'Casablanca-Anfa',
    },
  }));
}

export interface MappingBenchResult { compiledPerSecond: number; jsonataPerSecond: number; compiledRecords: number; jsonataRecords: number }

export async function runMappingBench(): Promise<MappingBenchResult> {
  const mapping = (await loadMappingSet()).get('narsa/licence-check.in', 'licence-verification');
  const input = records(20_000);
  for (let i = 0; i < 50_000; i++) mapping.map(input[i % input.length]); // warm-up: let V8 optimise
  const compiledRecords = 500_000;
  let failures = 0;
  let t = process.hrtime.bigint();
  for (let i = 0; i < compiledRecords; i++) if (!mapping.map(input[i % input.length]).ok) failures++;
  const compiledSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (failures > 0) throw new Error(`${failures} records did not map`);

  const expression = jsonata(JSONATA_MAPPING);
  const bindings = { status: STATUS };
  for (let i = 0; i < 2_000; i++) await expression.evaluate(input[i], bindings);
  const jsonataRecords = 20_000;
  t = process.hrtime.bigint();
  for (let i = 0; i < jsonataRecords; i++) await expression.evaluate(input[i % input.length], bindings);
  const jsonataSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  return { compiledPerSecond: compiledRecords / compiledSeconds, jsonataPerSecond: jsonataRecords / jsonataSeconds, compiledRecords, jsonataRecords };
}
