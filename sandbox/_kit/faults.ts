/**
 * Fault switches: the bad days a partner agency has, played on demand. The same switches
 * serve every sandbox agency; each one decides how a failure looks in its own protocol.
 */

/** How many of the next requests a fault hits: a count that runs down, or every request. */
export type FaultCount = number | 'always';

export interface FaultState {
  /** Delay added before every answer, in milliseconds. */
  latencyMs: number;
  /** The next N requests (or all) answer 503. */
  fail503: FaultCount;
  /** The next N requests (or all) answer 429 with `Retry-After: retryAfterSeconds`. */
  fail429: FaultCount;
  /** The `Retry-After` sent with injected 429s, in seconds. */
  retryAfterSeconds: number;
  /** The next N requests (or all) are never answered: the client has to give up. */
  timeout: FaultCount;
  /** Every connection is closed as soon as it is accepted. */
  down: boolean;
}

export type CountedFault = 'timeout' | 'fail503' | 'fail429';

const DEFAULTS: FaultState = { latencyMs: 0, fail503: 0, fail429: 0, retryAfterSeconds: 1, timeout: 0, down: false };
const MAX_LATENCY_MS = 600_000;
const MAX_RETRY_AFTER_S = 3_600;

export class FaultSwitches implements FaultState {
  latencyMs = DEFAULTS.latencyMs;
  fail503: FaultCount = DEFAULTS.fail503;
  fail429: FaultCount = DEFAULTS.fail429;
  retryAfterSeconds = DEFAULTS.retryAfterSeconds;
  timeout: FaultCount = DEFAULTS.timeout;
  down = DEFAULTS.down;

  /**
   * Merges switches from untrusted input (the control endpoint's JSON body). All or nothing:
   * throws `FaultPatchError` naming the bad field and changes nothing if any field is wrong.
   */
  set(patch: Partial<FaultState>): FaultState;
  set(patch: unknown): FaultState;
  set(patch: unknown): FaultState {
    const valid = parseFaultPatch(patch);
    Object.assign(this, valid);
    return this.snapshot();
  }

  reset(): void {
    Object.assign(this, DEFAULTS);
  }

  snapshot(): FaultState {
    const { latencyMs, fail503, fail429, retryAfterSeconds, timeout, down } = this;
    return { latencyMs, fail503, fail429, retryAfterSeconds, timeout, down };
  }

  /** True if the fault hits this request; a count is used up by the request it hits. */
  take(fault: CountedFault): boolean {
    return takeCount(this, fault);
  }
}

export class FaultPatchError extends Error {}

export function parseFaultPatch(patch: unknown): Partial<FaultState> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new FaultPatchError('the body must be a JSON object of fault switches');
  }
  const out: Partial<FaultState> = {};
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'latencyMs': out.latencyMs = faultInteger(key, value, 0, MAX_LATENCY_MS); break;
      case 'retryAfterSeconds': out.retryAfterSeconds = faultInteger(key, value, 0, MAX_RETRY_AFTER_S); break;
      case 'fail503': case 'fail429': case 'timeout': out[key] = faultCount(key, value); break;
      case 'down':
        if (typeof value !== 'boolean') throw new FaultPatchError('down must be true or false');
        out.down = value;
        break;
      default:
        // A typo must not silently leave the fault off and make a test pass for the wrong reason.
        throw new FaultPatchError(`unknown fault switch "${key}" (known: ${Object.keys(DEFAULTS).join(', ')})`);
    }
  }
  return out;
}

/** An integer switch from untrusted input, or FaultPatchError naming the switch and its range. */
export function faultInteger(key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultPatchError(`${key} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A counted switch from untrusted input: a count, "always", true (always) or false (off); `unit` names what it counts. */
export function faultCount(key: string, value: unknown, unit = 'requests'): FaultCount {
  if (value === 'always' || value === true) return 'always';
  if (value === false) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new FaultPatchError(`${key} must be a number of ${unit}, "always", true (always) or false (off)`);
}

/** True if the counted switch `key` hits this request; a count is used up by what it hits. */
export function takeCount<K extends string>(switches: { [P in K]: FaultCount }, key: K): boolean {
  const value: FaultCount = switches[key];
  if (value === 'always') return true;
  if (value <= 0) return false;
  switches[key] = value - 1;
  return true;
}
