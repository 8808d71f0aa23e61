/**
 * The bad days of NARSA's SFTP side, played on demand. Counts run down with the requests or runs
 * they hit; `true` lasts until changed or reset.
 */
export interface NarsaSftpFaultState {
  /** The next N SFTP requests are received and never answered (the hub's timeout must end them). */
  holdNext: number;
  /** The next N files opened for writing keep 4 bytes more than the hub sent. */
  padNextUpload: number;
  /** Every connection is closed as soon as it is accepted. */
  down: boolean;
  /** The next night run writes every result file still in `/retour` again, same bytes, new modification time. */
  redeliverResults: boolean;
  /** The next N result files get one extra, malformed `Result` (no RequestId, an unknown Outcome). */
  malformedResult: number;
  /** The next N result files get one extra `Result` for a RequestId nobody sent. */
  unknownRequestId: number;
  /** The next N result files are written without their `.sha256`: an incomplete lot. */
  incompleteLot: number;
}

type Counted = 'holdNext' | 'padNextUpload' | 'malformedResult' | 'unknownRequestId' | 'incompleteLot';

const DEFAULTS: NarsaSftpFaultState = {
  holdNext: 0, padNextUpload: 0, down: false, redeliverResults: false, malformedResult: 0, unknownRequestId: 0, incompleteLot: 0,
};

export class NarsaSftpFaults implements NarsaSftpFaultState {
  holdNext = 0;
  padNextUpload = 0;
  down = false;
  redeliverResults = false;
  malformedResult = 0;
  unknownRequestId = 0;
  incompleteLot = 0;

  /** Merges switches; throws naming the bad field and changes nothing if any field is wrong. */
  set(patch: Partial<NarsaSftpFaultState>): NarsaSftpFaultState {
    for (const [key, value] of Object.entries(patch)) {
      if (!Object.hasOwn(DEFAULTS, key)) throw new Error(`unknown fault switch ${key}`);
      const expected = typeof DEFAULTS[key as keyof NarsaSftpFaultState];
      if (typeof value !== expected || (typeof value === 'number' && (!Number.isInteger(value) || value < 0))) {
        throw new Error(`fault switch ${key} must be ${expected === 'number' ? 'a count (integer >= 0)' : 'a boolean'}`);
      }
    }
    Object.assign(this, patch);
    return this.snapshot();
  }

  reset(): void { Object.assign(this, DEFAULTS); }

  snapshot(): NarsaSftpFaultState {
    const { holdNext, padNextUpload, down, redeliverResults, malformedResult, unknownRequestId, incompleteLot } = this;
    return { holdNext, padNextUpload, down, redeliverResults, malformedResult, unknownRequestId, incompleteLot };
  }

  /** True if the fault hits this request or file; a count is used up by what it hits. */
  take(fault: Counted): boolean {
    if (this[fault] <= 0) return false;
    this[fault] -= 1;
    return true;
  }
}
