/**
 * The NARSA result record mapping (mappings/partners/narsa/licence-result.in.yaml), compiled from its YAML, against
 * JSONata evaluating the same fields, in the same run, on the same records (issue 4: ≥ 500,000 records/s and ≥ 10 ×
 * JSONata). The records are what the hub maps in a results batch: the sandbox's own `Result` XML for the demo licences
 * (bench/results-file.ts: 6 in 8 FOUND, 1 NOT_FOUND, 1 MISMATCH), parsed by saxes and read by `readNarsaResult`, with
 * the licence number asked for and the time of receipt added. The compiled mapping also validates each output against
 * the canonical schema; JSONata does not.
 * The phase alone (no database, no XML files): `npm run build && node dist/bench/mapping-bench.js`.
 */
import os from 'node:os';
import jsonata from 'jsonata';
import { loadMappingSet } from '../app/mapping-files';
import { NARSA_RESULTS, readNarsaResult, streamXmlRecords } from '../connectors/sftp';
import { NARSA_NS } from '../sandbox/narsa/sftp/night';
import { indexOfRequestId, licenceNumberFor, resultRecordXml } from './results-file';

const STATUS: Record<string, string> = { VALIDE: 'valid', SUSPENDU: 'suspended', ANNULE: 'cancelled', EXPIRE: 'expired', REMPLACE: 'replaced' };
const RECEIVED_AT = '2026-11-27T02:10:00+01:00';

/** The same fields as the YAML mapping (licence categories map to themselves in their code table). */
const JSONATA_MAPPING = `{
  "licenceNumber": licence.numero ? licence.numero : request.licenceNumber,
  "outcome": outcome = "FOUND" ? $lookup($status, licence.statut) : outcome = "NOT_FOUND" ? "not-found" : "holder-mismatch",
  "holder": licence.titulaire ? {
    "familyName": licence.titulaire.nom, "givenNames": licence.titulaire.prenom,
    "familyNameAr": licence.titulaire.nomArabe, "givenNamesAr": licence.titulaire.prenomArabe,
    "birthDate": licence.titulaire.dateNaissance,
    "identifiers": { "cnie": licence.titulaire.cnie, "drivingLicence": licence.numero }
  },
  "issuedOn": licence.dateDelivrance, "expiresOn": licence.dateExpiration,
  "categories": licence.categories ? [licence.categories.{ "code": code, "obtainedOn": dateObtention, "expiresOn": dateExpiration, "restrictions": restrictions ? restrictions : [] }],
  "issuingCentre": licence.centreEmetteur,
  "verifiedAt": $fromMillis($toMillis(receivedAt))
}`;

/** `n` distinct mapping inputs, as the results batch consumer builds them from a file. */
export async function resultRecords(n: number): Promise<unknown[]> {
  const xml = `<LicenceVerificationResults xmlns="${NARSA_NS}">${Array.from({ length: n }, (_, i) => resultRecordXml(1, i)).join('\n')}</LicenceVerificationResults>`;
  const inputs: unknown[] = [];
  await streamXmlRecords((async function* one() { yield Buffer.from(xml); })(), {
    ...NARSA_RESULTS, maxRecordChars: 65536, what: 'bench records',
    onRecord: async (element) => {
      const reading = readNarsaResult(element);
      if (!reading.ok) throw new Error(`bench record not readable: ${reading.reason}`);
      const index = indexOfRequestId(reading.record.requestId) ?? -1;
      inputs.push({ ...reading.record, request: { licenceNumber: licenceNumberFor(index) }, receivedAt: RECEIVED_AT });
    },
  });
  return inputs;
}

export interface MappingBenchResult {
  /** Medians of `runs` measured passes of `compiledRecords` each. */
  compiledPerSecond: number;
  compiledPerCpuSecond: number;
  jsonataPerSecond: number;
  compiledRecords: number;
  jsonataRecords: number;
  runs: number;
  /** Each pass, records/s of wall time. */
  compiledRuns: number[];
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function runMappingBench(runs = 3): Promise<MappingBenchResult> {
  const mapping = (await loadMappingSet()).get('narsa/licence-result.in', 'licence-verification');
  const input = await resultRecords(20_000);
  for (let i = 0; i < 100_000; i++) mapping.map(input[i % input.length]); // warm-up: let V8 optimise
  const compiledRecords = 500_000;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    let failures = 0;
    const cpu0 = process.cpuUsage();
    const t = process.hrtime.bigint();
    for (let i = 0; i < compiledRecords; i++) if (!mapping.map(input[i % input.length]).ok) failures++;
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const used = process.cpuUsage(cpu0);
    if (failures > 0) throw new Error(`${failures} records did not map`);
    wall.push(compiledRecords / seconds);
    cpu.push(compiledRecords / ((used.user + used.system) / 1e6));
  }

  const expression = jsonata(JSONATA_MAPPING);
  const bindings = { status: STATUS };
  for (let i = 0; i < 2_000; i++) await expression.evaluate(input[i], bindings);
  const jsonataRecords = 20_000;
  const t = process.hrtime.bigint();
  for (let i = 0; i < jsonataRecords; i++) await expression.evaluate(input[i % input.length], bindings);
  const jsonataSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  return {
    compiledPerSecond: median(wall), compiledPerCpuSecond: median(cpu), compiledRuns: wall,
    jsonataPerSecond: jsonataRecords / jsonataSeconds, compiledRecords, jsonataRecords, runs,
  };
}

/** Run directly: this phase alone, its passes and figures printed (the same numbers as in `npm run bench`). */
if (require.main === module) {
  console.log(`mapping bench: Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  runMappingBench().then((m) => {
    console.log(`compiled passes: ${m.compiledRuns.map((r) => Math.round(r)).join(', ')} records/s`);
    console.log(`compiled (median of ${m.runs}): ${Math.round(m.compiledPerSecond)} records/s, ${Math.round(m.compiledPerCpuSecond)} per CPU second`);
    console.log(`JSONata: ${Math.round(m.jsonataPerSecond)} records/s; compiled / JSONata: ${(m.compiledPerSecond / m.jsonataPerSecond).toFixed(1)} ×`);
  }).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
