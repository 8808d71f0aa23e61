import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { demoRegistrations } from '../../services/registration/demo-seed';
import type { RegistrationDraft, RegistrationRegistry } from '../../services/registration/registry-port';
import { createRegistrationStore } from './registration-store';

describe('registration store (one registration per person)', () => {
  let db: TestDatabase;
  let store: RegistrationRegistry;
  beforeAll(async () => { db = await createTestDatabase(); store = createRegistrationStore(db.knex); });
  afterAll(async () => { await db.dispose(); });

  const amina: RegistrationDraft = {
    post: 'CG-PARIS', status: 'active', person: { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' },
    residence: { line1: '12 rue de Rivoli', city: 'Paris', country: 'FRA' }, household: [], registeredOn: '2026-11-27', validUntil: '2031-11-26',
  };

  it('seeds the demo registration once: a second seed leaves the row as it is', async () => {
    expect(await store.seed(demoRegistrations('2026-11-27'))).toBe(1);
    expect(await store.seed(demoRegistrations('2027-06-01'))).toBe(0);
    expect(await store.find('REG-BRU-2019-000042')).toMatchObject({ post: 'CG-BRUXELLES', registeredOn: '2019-03-18', validUntil: '2027-01-11',
      person: { cnie: 'AB987654' }, household: [expect.objectContaining({ givenNames: 'Leila' })] });
  });

  it('draws a new number for a new person, and keeps it when the person moves to another post', async () => {
    const first = await store.save(amina);
    expect(first.number).toMatch(/^REG-PAR-2026-\d{6}$/);
    const moved = await store.save({ ...amina, post: 'CG-BRUXELLES', registeredOn: '2027-02-01', residence: { line1: 'Rue Neuve 7', city: 'Bruxelles', country: 'BEL' } });
    expect(moved).toMatchObject({ number: first.number, post: 'CG-BRUXELLES', registeredOn: '2026-11-27' });
    expect(await store.findByCnie('BK123456')).toMatchObject({ number: first.number });
    expect(Number((await db.knex('registrations').where({ cnie: 'BK123456' }).count<{ c: number }[]>('* as c'))[0].c)).toBe(1);
  });

  it('records the owner, and keeps it when a later draft names none', async () => {
    const farid: RegistrationDraft = { ...amina, person: { ...amina.person, cnie: 'FA424242', givenNames: 'Farid' }, ownerSub: 'farid-portal' };
    const saved = await store.save(farid);
    expect(saved.ownerSub).toBe('farid-portal');
    expect(await store.save({ ...saved, profession: 'Pharmacien', ownerSub: undefined })).toMatchObject({ ownerSub: 'farid-portal', profession: 'Pharmacien' });
    expect((await store.find('REG-BRU-2019-000042'))?.ownerSub).toBeUndefined(); // the demo seed has no portal owner
  });

  it('updates by number, a new CNIE included (the card was replaced)', async () => {
    const current = await store.find('REG-BRU-2019-000042');
    const saved = await store.save({ ...current!, person: { ...current!.person, cnie: 'AB111111' }, lastRequestReference: 'RGU-BRU-2026-000001' });
    expect(saved).toMatchObject({ number: 'REG-BRU-2019-000042', person: { cnie: 'AB111111' }, lastRequestReference: 'RGU-BRU-2026-000001' });
    expect(await store.findByCnie('AB987654')).toBeUndefined();
  });
});
