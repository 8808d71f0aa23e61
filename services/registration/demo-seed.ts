import type { Registration } from './registry-port';
import { addDays } from './validity';

/**
 * The demo registry of the embedded setup (DESIGN.md §4a): Youssef BENANI, registered at CG-BRUXELLES since
 * 2019 as REG-BRU-2019-000042, due for renewal. "Due" is relative to the day the demo database is first
 * seeded (its card ends 45 days later, inside the renewal window), so the demo works whatever the date.
 * Seeded only when the sandbox agencies run (app/domain-services.ts), never in a production configuration.
 */
export function demoRegistrations(today: string): Registration[] {
  return [{
    number: 'REG-BRU-2019-000042',
    post: 'CG-BRUXELLES',
    status: 'active',
    person: { cnie: 'AB987654', familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-03' },
    residence: { line1: 'Rue de la Loi 42', postalCode: '1040', city: 'Bruxelles', country: 'BEL' },
    household: [{ relationship: 'spouse', familyName: 'BENANI', givenNames: 'Leila', birthDate: '1979-06-21' }],
    profession: 'Ingénieur',
    registeredOn: '2019-03-18',
    validUntil: addDays(today, 45),
  }];
}
