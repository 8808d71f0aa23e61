/**
 * What a NARSA verification outcome means for the request. Pure: the table is the policy, so the
 * consular directorate can read it here.
 */
export type VerificationOutcome = 'valid' | 'not-found' | 'holder-mismatch' | 'suspended' | 'cancelled' | 'expired' | 'replaced';

const REASONS: Record<Exclude<VerificationOutcome, 'valid'>, string> = {
  'not-found': 'NARSA does not know this licence number',
  'holder-mismatch': 'the holder data do not match the licence at NARSA',
  suspended: 'the licence is suspended',
  cancelled: 'the licence is cancelled',
  expired: 'the licence has expired',
  replaced: 'the licence was replaced by a newer one',
};

export function decideOnVerification(outcome: VerificationOutcome): { to: 'ready-for-decision' | 'rejected'; note: string } {
  if (outcome === 'valid') return { to: 'ready-for-decision', note: 'NARSA: licence valid' };
  return { to: 'rejected', note: `NARSA: ${REASONS[outcome]}` };
}
