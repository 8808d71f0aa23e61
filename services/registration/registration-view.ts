import type { AuthContext } from '../../broker/middlewares/types';
import type { HouseholdMember, RegisteredPerson, Registration, ResidenceAddress } from './registry-port';
import { renewalPeriod } from './validity';

/**
 * A registration as the portal shows it. The status is computed from `validUntil` and the post's day when it is
 * read, never stored: a row written years ago cannot say `active` after its last day. Pure.
 */
export type RegistrationStatus = 'active' | 'expired';

export interface RegistrationSummary {
  number: string;
  post: string;
  /** `active` up to and including `validUntil`, `expired` from the next day. */
  status: RegistrationStatus;
  registeredOn: string;
  validUntil: string;
  /** The renewal rules of validity.ts: `from`–`until` both included; `open` on the day of the reading. */
  renewal: { from: string; until: string; open: boolean };
  householdCount: number;
}

/** With the personal data: for the registered person and the agents of the post only. */
export interface RegistrationDetails extends RegistrationSummary {
  person: RegisteredPerson;
  residence: ResidenceAddress;
  household: HouseholdMember[];
  profession?: string;
}

/** What a caller may see of a registration: nothing (as if it did not exist), the back-office summary, or all of it. */
export type RegistrationAccess = 'none' | 'summary' | 'full';

export function statusOn(validUntil: string, today: string): RegistrationStatus {
  return today > validUntil ? 'expired' : 'active';
}

/**
 * - the registered person (the `sub` recorded as its owner): all of it;
 * - an agent of the post holding it: all of it (they handle the person's requests);
 * - a supervisor of that post: the summary (number, dates, status, window, household count), no personal data;
 * - anyone else, an agent of another post included: nothing, so that the answer never confirms a number exists.
 */
export function accessTo(registration: Registration, auth: AuthContext): RegistrationAccess {
  if (auth.role === 'citizen') return registration.ownerSub !== undefined && registration.ownerSub === auth.sub ? 'full' : 'none';
  if (auth.post === undefined || auth.post !== registration.post) return 'none';
  if (auth.role === 'agent') return 'full';
  if (auth.role === 'supervisor') return 'summary';
  return 'none';
}

export function registrationView(r: Registration, today: string, access: 'summary' | 'full'): RegistrationSummary | RegistrationDetails {
  const period = renewalPeriod(r.validUntil);
  const summary: RegistrationSummary = {
    number: r.number, post: r.post, status: statusOn(r.validUntil, today), registeredOn: r.registeredOn, validUntil: r.validUntil,
    renewal: { ...period, open: today >= period.from && today <= period.until }, householdCount: r.household.length,
  };
  if (access === 'summary') return summary;
  return { ...summary, person: r.person, residence: r.residence, household: r.household, ...(r.profession ? { profession: r.profession } : {}) };
}
