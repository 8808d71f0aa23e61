/**
 * What a DGSN identity check means for a registration request. Pure: the table is the policy, so the
 * consular directorate can read it here.
 *
 * - match → ready for the agent's decision;
 * - partial-match → an agent looks at it (`in-review`), the matched and unmatched fields on the request;
 * - no-match, document-invalid, deceased → rejected with the reason.
 */
export type IdentityOutcome = 'match' | 'partial-match' | 'no-match' | 'document-invalid' | 'deceased';
export const IDENTITY_FIELDS = ['cnie', 'familyName', 'givenNames', 'birthDate'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export interface IdentityCheck {
  outcome: IdentityOutcome;
  matchedFields: IdentityField[];
  cnieValidUntil?: string;
}

const REJECTIONS: Record<'no-match' | 'document-invalid' | 'deceased', string> = {
  'no-match': 'DGSN: the identity does not match the CNIE register',
  'document-invalid': 'DGSN: the identity card is not valid (expired, revoked or declared lost or stolen)',
  deceased: 'DGSN: the holder of this CNIE is recorded as deceased',
};

export function unmatchedFields(check: IdentityCheck): IdentityField[] {
  return IDENTITY_FIELDS.filter((f) => !check.matchedFields.includes(f));
}

export function decideOnIdentity(check: IdentityCheck): { to: 'ready-for-decision' | 'in-review' | 'rejected'; note: string } {
  if (check.outcome === 'match') return { to: 'ready-for-decision', note: 'DGSN: identity confirmed' };
  if (check.outcome === 'partial-match') {
    return { to: 'in-review', note: `DGSN: partial match — matched ${check.matchedFields.join(', ') || 'none'}; not matched ${unmatchedFields(check).join(', ')}: an agent checks the documents` };
  }
  return { to: 'rejected', note: REJECTIONS[check.outcome] };
}
