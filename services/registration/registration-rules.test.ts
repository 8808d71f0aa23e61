import type { ConsularPost } from '../../config/catalogue-types';
import { agenciesFor, applyChanges, changedFields } from './changes';
import { demoRegistrations } from './demo-seed';
import { districtError } from './district';
import { decideOnIdentity } from './identity-outcome';
import { canonicalPerson } from './request-data';
import { addMonths, renewalWindow, renewedValidUntil, validUntilFrom } from './validity';

const brussels = { code: 'CG-BRUXELLES', names: { fr: 'Bruxelles', en: 'Brussels', ar: 'بروكسيل', es: 'Bruselas' }, timeZone: 'Europe/Brussels',
  district: { countries: ['BEL', 'LUX'], regions: [] } } as ConsularPost;
const youssef = demoRegistrations('2026-11-27')[0];

describe('district of a post', () => {
  it('accepts an address in one of the district countries', () => {
    expect(districtError(brussels, { country: 'LUX' }, '/data/residence')).toBeUndefined();
  });
  it('refuses an address outside the district, naming the field and the post', () => {
    expect(districtError(brussels, { country: 'FRA' }, '/data/residence')).toEqual({
      path: '/data/residence/country', message: expect.stringContaining('outside the district of CG-BRUXELLES') });
  });
  it('narrows a country to the regions a post lists for it', () => {
    const paris = { ...brussels, code: 'CG-PARIS', district: { countries: ['FRA'], regions: ['FRA-IDF'] } } as ConsularPost;
    expect(districtError(paris, { country: 'FRA', region: 'FRA-IDF' }, '/r')).toBeUndefined();
    expect(districtError(paris, { country: 'FRA', region: 'FRA-ARA' }, '/r')?.path).toBe('/r/region');
  });
});

describe('validity and the renewal window', () => {
  it('is five years to the day before the anniversary', () => {
    expect(validUntilFrom('2026-11-27')).toBe('2031-11-26');
    expect(validUntilFrom('2024-02-29')).toBe('2029-02-27');
    expect(addMonths('2026-08-31', -6)).toBe('2026-02-28');
  });
  it('opens six months before the last day and closes a year after it', () => {
    expect(renewalWindow('2027-01-11', '2026-11-27')).toEqual({ renewable: true });
    expect(renewalWindow('2027-07-01', '2026-11-27')).toEqual({ renewable: false, message: 'is not renewable yet: renewal opens on 2027-01-01' });
    expect(renewalWindow('2025-11-26', '2026-11-27')).toMatchObject({ renewable: false, message: expect.stringContaining('submit a new registration') });
    expect(renewalWindow('2025-11-27', '2026-11-27')).toEqual({ renewable: true });
  });
  it('extends from the old last day when early, from today when late', () => {
    expect(renewedValidUntil('2027-01-11', '2026-11-27')).toBe('2032-01-11');
    expect(renewedValidUntil('2026-03-01', '2026-11-27')).toBe('2031-11-26');
  });
  it('seeds the demo registration due for renewal whatever the day', () => {
    expect(youssef.number).toBe('REG-BRU-2019-000042');
    expect(renewalWindow(youssef.validUntil, '2026-11-27')).toEqual({ renewable: true });
  });
});

describe('identity outcome policy', () => {
  it('sends a match to the decision, a partial match to an agent with the fields, the rest to rejection', () => {
    expect(decideOnIdentity({ outcome: 'match', matchedFields: ['cnie', 'familyName', 'givenNames', 'birthDate'] }).to).toBe('ready-for-decision');
    const partial = decideOnIdentity({ outcome: 'partial-match', matchedFields: ['cnie', 'familyName', 'givenNames'] });
    expect(partial).toEqual({ to: 'in-review', note: expect.stringContaining('not matched birthDate') });
    expect(decideOnIdentity({ outcome: 'no-match', matchedFields: [] })).toMatchObject({ to: 'rejected', note: expect.stringContaining('does not match') });
    expect(decideOnIdentity({ outcome: 'document-invalid', matchedFields: [] })).toMatchObject({ to: 'rejected', note: expect.stringContaining('not valid') });
    expect(decideOnIdentity({ outcome: 'deceased', matchedFields: [] })).toMatchObject({ to: 'rejected', note: expect.stringContaining('deceased') });
  });
});

describe('registration update: changed fields and who hears of them', () => {
  it('keeps only the fields that really change, and sends an address or profession change to no agency', () => {
    const changes = changedFields(youssef, {
      residence: { line1: 'Avenue Louise 10', postalCode: '1050', city: 'Ixelles', country: 'BEL' },
      profession: 'Ingénieur', // unchanged: not a change
      identity: { familyName: 'BENANI' }, // unchanged
    });
    expect(changes.map((c) => c.field)).toEqual(['residence']);
    expect(agenciesFor(changes)).toEqual([]);
  });
  it('sends an identity change to DGSN, as the whole identity after the change', () => {
    const changes = changedFields(youssef, { identity: { givenNames: 'Youssef Karim' }, profession: 'Architecte' });
    expect(changes).toEqual([{ field: 'identity.givenNames', from: 'Youssef', to: 'Youssef Karim' }, { field: 'profession', from: 'Ingénieur', to: 'Architecte' }]);
    expect(agenciesFor(changes)).toEqual(['dgsn']);
    const next = applyChanges(youssef, changes);
    expect(canonicalPerson(next.person)).toEqual({ familyName: 'BENANI', givenNames: 'Youssef Karim', birthDate: '1975-11-03', identifiers: { cnie: 'AB987654' } });
    expect(next.profession).toBe('Architecte');
    expect(youssef.person.givenNames).toBe('Youssef'); // the registry's record is not changed in place
  });
  it('finds no change in a household sent again with its keys in another order', () => {
    const [member] = youssef.household;
    const reordered = { birthDate: member.birthDate, givenNames: member.givenNames, familyName: member.familyName, relationship: member.relationship };
    expect(changedFields(youssef, { household: [reordered] })).toEqual([]);
  });
});
