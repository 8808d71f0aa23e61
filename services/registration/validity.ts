/**
 * How long a registration is valid and when it may be renewed. Pure; the table is the policy.
 *
 * - A registration (and each renewal) is valid five years, to the day before the anniversary.
 * - Renewal opens six months before the last day of validity and stays open one year after it (a lapsed
 *   registration within that year is renewed, keeping its number); later, the person registers anew (the
 *   registry still finds them by CNIE, so the number is kept there too).
 */
export const VALIDITY_YEARS = 5;
export const RENEWAL_OPENS_MONTHS_BEFORE = 6;
export const RENEWAL_GRACE_MONTHS_AFTER = 12;

/** yyyy-MM-dd + months (calendar, clamped to the month's last day). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Last day of validity of a card issued (or renewed) on `from`. */
export function validUntilFrom(from: string): string {
  return addDays(addMonths(from, VALIDITY_YEARS * 12), -1);
}

export type RenewalWindow = { renewable: true } | { renewable: false; message: string };

/** The days (yyyy-MM-dd, both included) within which a registration valid until `validUntil` may be renewed. */
export function renewalPeriod(validUntil: string): { from: string; until: string } {
  return { from: addMonths(validUntil, -RENEWAL_OPENS_MONTHS_BEFORE), until: addMonths(validUntil, RENEWAL_GRACE_MONTHS_AFTER) };
}

export function renewalWindow(validUntil: string, today: string): RenewalWindow {
  const { from: opens, until: closes } = renewalPeriod(validUntil);
  if (today < opens) return { renewable: false, message: `is not renewable yet: renewal opens on ${opens}` };
  if (today > closes) return { renewable: false, message: `lapsed more than ${RENEWAL_GRACE_MONTHS_AFTER} months ago: submit a new registration (the number is kept)` };
  return { renewable: true };
}

/** A renewal extends from the old last day when renewed early, from today when renewed late. */
export function renewedValidUntil(validUntil: string, today: string): string {
  const start = today > validUntil ? today : addDays(validUntil, 1);
  return validUntilFrom(start);
}
