/**
 * The NARSA result record mapping four ways, in one process, on the same records, passes interleaved
 * (docs/performance.md, "NARSA record mapping"): the compiled mapping as the hub runs it (the function generated
 * from licence-result.in.yaml, mappings/engine/generate.ts), the closure tree alone (what ran before, and still
 * runs on the error path) with the same validation, and licence-result.in's fields written out by hand (success
 * path only), with and without that validation. Not part of `npm run bench`: an experiment to size the engine
 * against its ceiling, run by hand: `npm run build && node dist/bench/mapping-ceiling.js`. It first checks that the
 * hand-written function gives exactly the compiled mapping's output for every record, so it cannot drift silently
 * from the YAML.
 */
import { isDeepStrictEqual } from 'node:util';
import { loadMappingSet } from '../app/mapping-files';
import { compileCanonicalValidators } from '../mappings';
import { DATE_CONVERSIONS } from '../mappings/engine/dates';
import { FAILED } from '../mappings/engine/compile';
import { enginesOf } from '../mappings/engine/mapping-set';
import { resultRecords } from './mapping-bench';

type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STATUS: Record<string, string> = { VALIDE: 'valid', SUSPENDU: 'suspended', ANNULE: 'cancelled', EXPIRE: 'expired', REMPLACE: 'replaced' };
const CATEGORIES = new Set(['AM', 'A1', 'A', 'B', 'C', 'D', 'EB', 'EC', 'ED']);
const ymd = DATE_CONVERSIONS['yyyy-MM-dd'];
const iso = DATE_CONVERSIONS['iso-date-time'];

/** licence-result.in.yaml by hand, for records that map (the bench's records all do). */
function byHand(s: Rec): Rec {
  const l = s.licence as Rec | undefined;
  const out: Rec = { licenceNumber: l?.numero ?? s.request.licenceNumber };
  out.outcome = s.outcome === 'FOUND' ? STATUS[l?.statut] : s.outcome === 'NOT_FOUND' ? 'not-found' : 'holder-mismatch';
  if (l) {
    const t = l.titulaire as Rec;
    const holder: Rec = { familyName: t.nom, givenNames: t.prenom };
    if (t.nomArabe != null) holder.familyNameAr = t.nomArabe;
    if (t.prenomArabe != null) holder.givenNamesAr = t.prenomArabe;
    holder.birthDate = ymd(t.dateNaissance);
    holder.identifiers = { cnie: t.cnie, drivingLicence: l.numero };
    out.holder = holder;
    out.issuedOn = ymd(l.dateDelivrance);
    out.expiresOn = ymd(l.dateExpiration);
    out.categories = (l.categories as Rec[]).map((c) => {
      if (!CATEGORIES.has(c.code)) throw new Error('unknown category');
      const category: Rec = { code: c.code, obtainedOn: ymd(c.dateObtention) };
      if (c.dateExpiration != null) category.expiresOn = ymd(c.dateExpiration);
      category.restrictions = c.restrictions ? (c.restrictions as unknown[]).slice() : [];
      return category;
    });
    out.issuingCentre = l.centreEmetteur;
  }
  if (s.receivedAt != null) out.verifiedAt = iso(s.receivedAt);
  return out;
}

async function main(): Promise<void> {
  const mapping = (await loadMappingSet()).get('narsa/licence-result.in', 'licence-verification');
  const validate = compileCanonicalValidators()['licence-verification'];
  const inputs = (await resultRecords(20_000)) as Rec[];
  for (const input of inputs) {
    const compiled = mapping.map(input);
    if (!compiled.ok || !isDeepStrictEqual(byHand(input), compiled.value)) throw new Error(`the hand-written mapping differs from licence-result.in for ${String(input.requestId)}`);
  }
  const engines = enginesOf(mapping);
  const generated = engines?.generated?.run;
  if (!engines || !generated) throw new Error('licence-result.in has no generated function');
  const closures = engines.closures;
  const passes: Record<string, (input: Rec) => boolean> = {
    'compiled mapping (generated function) + validation': (input) => mapping.map(input).ok,
    'closure tree + the same validation': (input) => { const { produced, errors } = closures(input); return errors === undefined && validate(produced); },
    'generated function alone': (input) => generated(input) !== FAILED,
    'hand-written function + the same validation': (input) => validate(byHand(input)),
    'hand-written function alone': (input) => byHand(input) !== undefined,
  };
  for (const pass of Object.values(passes)) for (let i = 0; i < 100_000; i++) pass(inputs[i % inputs.length]);
  const perCpuSecond: Record<string, number[]> = {};
  const n = 500_000;
  for (let run = 0; run < 5; run++) {
    for (const [name, pass] of Object.entries(passes)) {
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) if (!pass(inputs[i % inputs.length])) throw new Error(`${name}: a record did not map`);
      const used = process.cpuUsage(cpu0);
      (perCpuSecond[name] ??= []).push(n / ((used.user + used.system) / 1e6));
    }
  }
  for (const [name, rates] of Object.entries(perCpuSecond)) {
    const sorted = [...rates].sort((a, b) => a - b);
    console.log(`${name.padEnd(52)} ${Math.round(sorted[2])} records per CPU second (median of 5: ${rates.map((r) => Math.round(r)).join(', ')})`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
