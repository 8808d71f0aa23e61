/**
 * The consular registry as the registration services see it: one registration per person, whatever the
 * post. The database implementation is db/repositories/registration-store.ts, passed in at wiring time
 * (services/ does no I/O of its own).
 *
 * Why keyed by person: the registration number is the citizen's, not the post's. A citizen who moves from
 * Brussels to Paris and registers there keeps REG-BRU-2019-000042; only `post` changes. The person is
 * identified by their CNIE (unique in the table); a new CNIE (card renewed) is an identity update of the
 * same registration, not a new person.
 */
export interface RegisteredPerson {
  cnie: string;
  familyName: string;
  givenNames: string;
  familyNameAr?: string;
  givenNamesAr?: string;
  birthDate: string;
}

export interface ResidenceAddress {
  line1: string;
  line2?: string;
  postalCode?: string;
  city: string;
  region?: string;
  /** ISO 3166-1 alpha-3. */
  country: string;
}

export interface HouseholdMember {
  relationship: 'spouse' | 'child' | 'parent' | 'other';
  familyName: string;
  givenNames: string;
  birthDate: string;
  cnie?: string;
}

export interface Registration {
  number: string;
  post: string;
  status: 'active';
  person: RegisteredPerson;
  residence: ResidenceAddress;
  household: HouseholdMember[];
  profession?: string;
  /** yyyy-MM-dd */
  registeredOn: string;
  /** yyyy-MM-dd: the card's last day. */
  validUntil: string;
  /** The request that last changed the registration (new, renewal or update). */
  lastRequestReference?: string;
  /**
   * The portal `sub` of the registered person: who submitted the new registration (or, for a registration recorded
   * without one — the demo seed, rows from before migration 060 —, the first renewal or update issued for it).
   * The person may read their registration on the portal by it.
   */
  ownerSub?: string;
}

/** What `issue` writes: the whole registration as it is after the request, without its number for a new one. */
export type RegistrationDraft = Omit<Registration, 'number'> & { number?: string };

export interface RegistrationRegistry {
  find(number: string): Promise<Registration | undefined>;
  findByCnie(cnie: string): Promise<Registration | undefined>;
  /**
   * Records the registration. Without a number: the person's existing registration (by CNIE) keeps its
   * number, otherwise a new one is drawn (`REG-<post 3 letters>-<year>-<6 digits>`). With a number: that
   * registration is updated. Idempotent: the same draft twice leaves the same row.
   */
  save(draft: RegistrationDraft): Promise<Registration>;
  /** Inserts the registrations that are not there yet (by number); existing rows are left as they are. */
  seed(registrations: Registration[]): Promise<number>;
}
