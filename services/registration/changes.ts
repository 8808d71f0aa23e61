import type { HouseholdMember, RegisteredPerson, Registration, ResidenceAddress } from './registry-port';

/**
 * The fields a registration update really changes, compared with the registry (a field sent with its
 * current value is not a change), and who must hear of them. Pure.
 */
export interface RequestedChanges {
  identity?: Partial<RegisteredPerson>;
  residence?: ResidenceAddress;
  household?: HouseholdMember[];
  profession?: string;
}

export interface Change { field: string; from?: unknown; to: unknown }

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Object keys in a stable order, so that `{a, b}` and `{b, a}` compare equal. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
  return value;
}

export function changedFields(current: Registration, requested: RequestedChanges): Change[] {
  const changes: Change[] = [];
  for (const [key, to] of Object.entries(requested.identity ?? {})) {
    const from = current.person[key as keyof RegisteredPerson];
    if (!same(from, to)) changes.push({ field: `identity.${key}`, ...(from !== undefined ? { from } : {}), to });
  }
  if (requested.residence && !same(sorted(current.residence), sorted(requested.residence))) changes.push({ field: 'residence', from: current.residence, to: requested.residence });
  if (requested.household && !same(sorted(current.household), sorted(requested.household))) changes.push({ field: 'household', from: current.household, to: requested.household });
  if (requested.profession !== undefined && requested.profession !== current.profession) {
    changes.push({ field: 'profession', ...(current.profession !== undefined ? { from: current.profession } : {}), to: requested.profession });
  }
  return changes;
}

/**
 * Which agencies need a change: DGSN verifies identities, so only an identity change goes there; the
 * address, household and profession are the consulate's own records and go to no agency.
 */
export function agenciesFor(changes: Change[]): Array<'dgsn'> {
  return changes.some((c) => c.field.startsWith('identity.')) ? ['dgsn'] : [];
}

/** The registration as it will be once the changes are applied. */
export function applyChanges(current: Registration, changes: Change[]): Registration {
  const next: Registration = { ...current, person: { ...current.person } };
  for (const c of changes) {
    if (c.field.startsWith('identity.')) (next.person as unknown as Record<string, unknown>)[c.field.slice('identity.'.length)] = c.to;
    else if (c.field === 'residence') next.residence = c.to as ResidenceAddress;
    else if (c.field === 'household') next.household = c.to as HouseholdMember[];
    else if (c.field === 'profession') next.profession = c.to as string;
  }
  return next;
}
