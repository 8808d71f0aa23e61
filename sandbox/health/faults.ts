/**
 * Health's fault switches: the kit's (latency, 503, 429, timeout, down) plus the bad days of an XML feed.
 * Set over the control endpoint like the others; an unknown switch is still refused as a whole.
 */
import { faultCount, type FaultCount, type FaultState, FaultPatchError, FaultSwitches, takeCount } from '../_kit/faults';

export interface HealthFaultState extends FaultState {
  /** The next N answers are cut in the middle (not well-formed XML). */
  malformedXml: FaultCount;
  /** The next N answers carry a DOCTYPE with an external entity (XXE) and an entity reference. */
  doctype: FaultCount;
  /** The next N answers are well-formed but break the schema (an element the XSD does not know). */
  schemaViolation: FaultCount;
  /** The next N answers are padded past 2 MB. */
  oversized: FaultCount;
  /** The next N feed pages are the previous feed answer again, byte for byte. */
  repeatPage: FaultCount;
  /** The next N feed pages start with the last item of the page before (overlapping pages). */
  boundaryDuplicate: FaultCount;
  /** The next N feed pages carry one entry that breaks the schema (an unknown Statut). */
  malformedEntry: FaultCount;
  /** The feed is empty (reindexing), as the Ministry documents; everything comes back when it ends. */
  reindexing: boolean;
}

export type HealthCountedFault = 'malformedXml' | 'doctype' | 'schemaViolation' | 'oversized' | 'repeatPage' | 'boundaryDuplicate' | 'malformedEntry';
const COUNTED: readonly HealthCountedFault[] = ['malformedXml', 'doctype', 'schemaViolation', 'oversized', 'repeatPage', 'boundaryDuplicate', 'malformedEntry'];

export class HealthFaultSwitches extends FaultSwitches implements HealthFaultState {
  malformedXml: FaultCount = 0;
  doctype: FaultCount = 0;
  schemaViolation: FaultCount = 0;
  oversized: FaultCount = 0;
  repeatPage: FaultCount = 0;
  boundaryDuplicate: FaultCount = 0;
  malformedEntry: FaultCount = 0;
  reindexing = false;

  override set(patch: unknown): HealthFaultState {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return this.fail('the body must be a JSON object of fault switches');
    const kit: Record<string, unknown> = {};
    const ours: Partial<HealthFaultState> = {};
    for (const [key, value] of Object.entries(patch)) {
      if ((COUNTED as readonly string[]).includes(key)) ours[key as HealthCountedFault] = faultCount(key, value, 'answers');
      else if (key === 'reindexing') {
        if (typeof value !== 'boolean') return this.fail('reindexing must be true or false');
        ours.reindexing = value;
      } else kit[key] = value;
    }
    super.set(kit); // validates the kit's switches (all or nothing) before ours are applied
    Object.assign(this, ours);
    return this.snapshot();
  }

  override reset(): void {
    super.reset();
    for (const key of COUNTED) this[key] = 0;
    this.reindexing = false;
  }

  override snapshot(): HealthFaultState {
    return { ...super.snapshot(), malformedXml: this.malformedXml, doctype: this.doctype, schemaViolation: this.schemaViolation, oversized: this.oversized, repeatPage: this.repeatPage, boundaryDuplicate: this.boundaryDuplicate, malformedEntry: this.malformedEntry, reindexing: this.reindexing };
  }

  /** True if the fault hits this answer; a count is used up by the answer it hits. */
  takeHealth(fault: HealthCountedFault): boolean {
    return takeCount(this, fault);
  }

  private fail(message: string): never {
    throw new FaultPatchError(message);
  }
}
