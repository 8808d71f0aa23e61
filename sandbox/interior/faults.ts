/**
 * The Interior's bad days: the switches every sandbox agency has (sandbox/_kit/faults.ts) plus the
 * SOAP and callback ones of this contract. Same rules: set over the control endpoint or from code,
 * all or nothing, an unknown switch refused.
 */
import { faultCount, faultInteger, type FaultCount, type FaultState, FaultPatchError, FaultSwitches, takeCount } from '../_kit/faults';

export interface InteriorFaultState extends FaultState {
  /** The next N requests get a soap:Server fault UNAVAILABLE (HTTP 500). */
  serverFault: FaultCount;
  /** The next N requests get a soap:Server fault INTERNAL (HTTP 500). */
  internalFault: FaultCount;
  /** The next N answers are padded past 11 MB (a misbehaving gateway). */
  oversized: FaultCount;
  /** Every callback is sent twice (same message id). */
  duplicateCallbacks: boolean;
  /** The callback is sent, and acknowledged, before the Ack of the submission is written. */
  callbackBeforeAck: boolean;
  /** The next N decisions are never called back (only GetBurialAuthorisationStatus tells them). */
  missCallbacks: FaultCount;
  /** Delay between the Ack of a submission and its callback, in ms. */
  callbackDelayMs: number;
  /** Delay between two attempts of a callback that got no Ack (the contract: 10 minutes, for 48 hours). */
  callbackRetryMs: number;
}

type Extra = Omit<InteriorFaultState, keyof FaultState>;
const EXTRA_DEFAULTS: Extra = {
  serverFault: 0, internalFault: 0, oversized: 0, duplicateCallbacks: false, callbackBeforeAck: false, missCallbacks: 0,
  callbackDelayMs: 100, callbackRetryMs: 600_000,
};
type ExtraCounted = 'serverFault' | 'internalFault' | 'oversized' | 'missCallbacks';

export class InteriorFaults extends FaultSwitches {
  serverFault: FaultCount = 0;
  internalFault: FaultCount = 0;
  oversized: FaultCount = 0;
  duplicateCallbacks = false;
  callbackBeforeAck = false;
  missCallbacks: FaultCount = 0;
  callbackDelayMs = EXTRA_DEFAULTS.callbackDelayMs;
  callbackRetryMs = EXTRA_DEFAULTS.callbackRetryMs;

  override set(patch: unknown): InteriorFaultState {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new FaultPatchError('the body must be a JSON object of fault switches');
    const base: Record<string, unknown> = {};
    const extra: Partial<Extra> = {};
    for (const [key, value] of Object.entries(patch)) {
      switch (key) {
        case 'serverFault': case 'internalFault': case 'oversized': case 'missCallbacks': extra[key] = faultCount(key, value); break;
        case 'duplicateCallbacks': case 'callbackBeforeAck':
          if (typeof value !== 'boolean') throw new FaultPatchError(`${key} must be true or false`);
          extra[key] = value;
          break;
        case 'callbackDelayMs': extra.callbackDelayMs = faultInteger(key, value, 0, 600_000); break;
        case 'callbackRetryMs': extra.callbackRetryMs = faultInteger(key, value, 10, 3_600_000); break;
        default: base[key] = value;
      }
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

  override snapshot(): InteriorFaultState {
    const { serverFault, internalFault, oversized, duplicateCallbacks, callbackBeforeAck, missCallbacks, callbackDelayMs, callbackRetryMs } = this;
    return { ...super.snapshot(), serverFault, internalFault, oversized, duplicateCallbacks, callbackBeforeAck, missCallbacks, callbackDelayMs, callbackRetryMs };
  }

  takeExtra(fault: ExtraCounted): boolean {
    return takeCount(this, fault);
  }
}
