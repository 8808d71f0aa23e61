/**
 * DGSN's own bad days, beside the switches every agency has (sandbox/_kit/faults.ts): tokens that
 * expire early, and webhooks replayed, badly signed, stale or out of order. Counts run down like the
 * kit's; a patch is all or nothing.
 */
import { type FaultCount, type FaultState, type FaultSwitches, FaultPatchError, parseFaultPatch } from '../_kit/faults';

export interface DgsnFaultState {
  /** The next N API calls find their (valid) token expired: the token is revoked and the call gets 401. */
  expireTokens: FaultCount;
  /** The next N events are delivered twice (same event id). */
  webhookReplay: FaultCount;
  /** The next N webhook deliveries are signed with a wrong key (DGSN retries them, correctly signed). */
  webhookBadSignature: FaultCount;
  /** The next N webhook deliveries carry a timestamp ten minutes old (correctly signed over it). */
  webhookStaleTimestamp: FaultCount;
  /** The next N cleared transports send BORDER_ARRIVAL before TRANSPORT_CLEARANCE. */
  webhookOutOfOrder: FaultCount;
}

export type DgsnFault = keyof DgsnFaultState;
const DGSN_DEFAULTS: DgsnFaultState = { expireTokens: 0, webhookReplay: 0, webhookBadSignature: 0, webhookStaleTimestamp: 0, webhookOutOfOrder: 0 };
const KIT_KEYS: readonly (keyof FaultState)[] = ['latencyMs', 'fail503', 'fail429', 'retryAfterSeconds', 'timeout', 'down'];

export class DgsnFaults implements DgsnFaultState {
  expireTokens: FaultCount = 0;
  webhookReplay: FaultCount = 0;
  webhookBadSignature: FaultCount = 0;
  webhookStaleTimestamp: FaultCount = 0;
  webhookOutOfOrder: FaultCount = 0;

  constructor(readonly common: FaultSwitches) {}

  /** Merges kit and DGSN switches from untrusted input; nothing changes if any field is wrong. */
  set(patch: unknown): FaultState & DgsnFaultState {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new FaultPatchError('the body must be a JSON object of fault switches');
    const kitPart: Record<string, unknown> = {};
    const own: Partial<DgsnFaultState> = {};
    for (const [key, value] of Object.entries(patch)) {
      if ((KIT_KEYS as readonly string[]).includes(key)) kitPart[key] = value;
      else if (Object.hasOwn(DGSN_DEFAULTS, key)) own[key as DgsnFault] = faultCount(key, value);
      else throw new FaultPatchError(`unknown fault switch "${key}" (known: ${[...KIT_KEYS, ...Object.keys(DGSN_DEFAULTS)].join(', ')})`);
    }
    const kit = parseFaultPatch(kitPart);
    this.common.set(kit);
    Object.assign(this, own);
    return this.snapshot();
  }

  reset(): void {
    this.common.reset();
    Object.assign(this, DGSN_DEFAULTS);
  }

  snapshot(): FaultState & DgsnFaultState {
    const { expireTokens, webhookReplay, webhookBadSignature, webhookStaleTimestamp, webhookOutOfOrder } = this;
    return { ...this.common.snapshot(), expireTokens, webhookReplay, webhookBadSignature, webhookStaleTimestamp, webhookOutOfOrder };
  }

  take(fault: DgsnFault): boolean {
    const count = this[fault];
    if (count === 'always') return true;
    if (count <= 0) return false;
    this[fault] = count - 1;
    return true;
  }
}

function faultCount(key: string, value: unknown): FaultCount {
  if (value === 'always' || value === true) return 'always';
  if (value === false) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new FaultPatchError(`${key} must be a number of requests, "always", true (always) or false (off)`);
}
