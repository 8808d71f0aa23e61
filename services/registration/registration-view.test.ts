import type { AuthContext } from '../../broker/middlewares/types';
import { demoRegistrations } from './demo-seed';
import { accessTo, registrationView } from './registration-view';
import type { Registration } from './registry-port';

const youssef: Registration = { ...demoRegistrations('2026-11-27')[0], validUntil: '2027-01-11', ownerSub: 'youssef' };
const as = (role: AuthContext['role'], extra: Partial<AuthContext> = {}): AuthContext => ({ sub: `${role}-1`, role, ...extra });

describe('a registration as the portal shows it', () => {
  it('is active up to and including its last day, expired from the next day: computed from validUntil when read', () => {
    expect(registrationView(youssef, '2027-01-11', 'summary').status).toBe('active');
    expect(registrationView(youssef, '2027-01-12', 'summary').status).toBe('expired');
    // The stored row says `active` whatever the date; the view does not repeat it.
    expect(registrationView({ ...youssef, status: 'active' }, '2031-06-01', 'summary').status).toBe('expired');
  });

  it('shows the renewal window of the rules (six months before, twelve after) and whether it is open that day', () => {
    expect(registrationView(youssef, '2026-07-10', 'summary').renewal).toEqual({ from: '2026-07-11', until: '2028-01-11', open: false });
    expect(registrationView(youssef, '2026-07-11', 'summary').renewal.open).toBe(true);
    expect(registrationView(youssef, '2028-01-11', 'summary')).toMatchObject({ status: 'expired', renewal: { open: true } });
    expect(registrationView(youssef, '2028-01-12', 'summary').renewal.open).toBe(false);
  });

  it('gives a summary without personal data (household counted, not listed), and all of it for full access', () => {
    const summary = registrationView(youssef, '2026-11-27', 'summary');
    expect(summary).toEqual({ number: 'REG-BRU-2019-000042', post: 'CG-BRUXELLES', status: 'active', registeredOn: '2019-03-18', validUntil: '2027-01-11',
      renewal: { from: '2026-07-11', until: '2028-01-11', open: true }, householdCount: 1 });
    expect(JSON.stringify(summary)).not.toMatch(/Leila|BENANI|AB987654|Rue de la Loi|youssef/);
    expect(registrationView(youssef, '2026-11-27', 'full')).toMatchObject({ householdCount: 1, household: [{ givenNames: 'Leila' }],
      person: { cnie: 'AB987654' }, residence: { city: 'Bruxelles' }, profession: 'Ingénieur' });
    expect(registrationView(youssef, '2026-11-27', 'full')).not.toHaveProperty('ownerSub');
  });
});

describe('who may read a registration', () => {
  it('the registered person, by the sub that registered it; no other citizen', () => {
    expect(accessTo(youssef, as('citizen', { sub: 'youssef' }))).toBe('full');
    expect(accessTo(youssef, as('citizen', { sub: 'amina' }))).toBe('none');
    expect(accessTo({ ...youssef, ownerSub: undefined }, as('citizen', { sub: 'youssef' }))).toBe('none');
  });
  it('the agents of the post all of it, its supervisors the summary, another post nothing at all', () => {
    expect(accessTo(youssef, as('agent', { post: 'CG-BRUXELLES' }))).toBe('full');
    expect(accessTo(youssef, as('supervisor', { post: 'CG-BRUXELLES' }))).toBe('summary');
    expect(accessTo(youssef, as('agent', { post: 'CG-PARIS' }))).toBe('none');
    expect(accessTo(youssef, as('supervisor', { post: 'CG-PARIS' }))).toBe('none');
    expect(accessTo(youssef, as('engineer'))).toBe('none');
  });
});
