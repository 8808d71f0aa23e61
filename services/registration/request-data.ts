import type { HouseholdMember, RegisteredPerson, ResidenceAddress } from './registry-port';
import type { RequestedChanges } from './changes';

/** The `data` of each registration service, as the catalogue's dataSchema (config/services/registration-*.json) admits it. */
export interface NewRegistrationData {
  identity: RegisteredPerson;
  residence: ResidenceAddress;
  household?: HouseholdMember[];
  profession?: string;
  contact?: { email?: string; phone?: string };
}

export interface RenewalData {
  registrationNumber: string;
  identity: RegisteredPerson;
}

export interface UpdateData {
  registrationNumber: string;
  /** The holder's CNIE as the registry knows it (before any change): proves whose registration it is. */
  cnie: string;
  changes: RequestedChanges;
}

export const SERVICES = { new: 'registration-new', renewal: 'registration-renewal', update: 'registration-update' } as const;

/** The canonical person DGSN's identity check takes (mappings/partners/dgsn/identity-check.out.yaml, input: person). */
export function canonicalPerson(p: RegisteredPerson): Record<string, unknown> {
  return {
    familyName: p.familyName, givenNames: p.givenNames, birthDate: p.birthDate,
    ...(p.familyNameAr ? { familyNameAr: p.familyNameAr } : {}), ...(p.givenNamesAr ? { givenNamesAr: p.givenNamesAr } : {}),
    identifiers: { cnie: p.cnie },
  };
}
