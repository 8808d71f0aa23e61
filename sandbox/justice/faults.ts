/**
 * The Ministry of Justice's bad days: the switches every sandbox agency has (sandbox/_kit/faults.ts,
 * played on the SOAP side; `down` closes the SFTP server too) plus those of this contract, for the
 * SOAP service and for the lots it publishes. Same rules: set over the control endpoint or from code,
 * all or nothing, an unknown switch refused.
 */
import { faultCount, type FaultCount, type FaultState, FaultPatchError, FaultSwitches, takeCount } from '../_kit/faults';

export interface JusticeFaultState extends FaultState {
  /** The next N SOAP requests get a soap:Server fault INDISPONIBLE (HTTP 500). */
  unavailableFault: FaultCount;
  /** The next N SOAP requests are taken in (recorded, applied) and the connection is then cut: the hub retries a message the Ministry already has. */
  loseAnswer: FaultCount;
  /** The next N `publishLot` calls deliver the last lot again (same id, same bytes, new modification time) instead of a new one. */
  redeliverLot: FaultCount;
  /** The next N lots are written without their `.pret` marker (incomplete: the hub must leave them). */
  incompleteLot: FaultCount;
  /** The next N lots get a `manifest.xml` that is not well-formed. */
  malformedManifest: FaultCount;
  /** The next N lots get one `Pli` whose `Empreinte` does not match its document (EMPREINTE_INVALIDE). */
  badDigest: FaultCount;
  /** The next N lots get one `Pli` whose document is not in the folder (PIECE_MANQUANTE). */
  missingPiece: FaultCount;
  /** The next N lots get one `Pli` without `NumeroAffaire` and with a country code that is not ISO alpha-3 (DONNEES_INVALIDES). */
  invalidEntry: FaultCount;
  /** The next N SFTP requests are received and never answered. */
  holdSftp: FaultCount;
}

type Extra = Omit<JusticeFaultState, keyof FaultState>;
export type JusticeCounted = keyof Extra;
const EXTRA_DEFAULTS: Extra = {
  unavailableFault: 0, loseAnswer: 0, redeliverLot: 0, incompleteLot: 0, malformedManifest: 0, badDigest: 0, missingPiece: 0, invalidEntry: 0, holdSftp: 0,
};

export class JusticeFaults extends FaultSwitches {
  unavailableFault: FaultCount = 0;
  loseAnswer: FaultCount = 0;
  redeliverLot: FaultCount = 0;
  incompleteLot: FaultCount = 0;
  malformedManifest: FaultCount = 0;
  badDigest: FaultCount = 0;
  missingPiece: FaultCount = 0;
  invalidEntry: FaultCount = 0;
  holdSftp: FaultCount = 0;

  override set(patch: unknown): JusticeFaultState {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new FaultPatchError('the body must be a JSON object of fault switches');
    const base: Record<string, unknown> = {};
    const extra: Partial<Extra> = {};
    for (const [key, value] of Object.entries(patch)) {
      if (Object.hasOwn(EXTRA_DEFAULTS, key)) extra[key as JusticeCounted] = faultCount(key, value, 'requests or lots');
      else base[key] = value;
    }
    // The base switches are checked (and refused) before anything changes.
    super.set(base);
    Object.assign(this, extra);
    return this.snapshot();
  }

  override reset(): void {
    super.reset();
    Object.assign(this, EXTRA_DEFAULTS);
  }

  override snapshot(): JusticeFaultState {
    const extra = Object.fromEntries(Object.keys(EXTRA_DEFAULTS).map((k) => [k, this[k as JusticeCounted]])) as unknown as Extra;
    return { ...super.snapshot(), ...extra };
  }

  /** True if the switch hits this request or lot; a count is used up by what it hits. */
  takeExtra(fault: JusticeCounted): boolean {
    return takeCount(this, fault);
  }
}
