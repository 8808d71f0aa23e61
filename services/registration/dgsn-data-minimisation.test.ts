import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ServiceBroker } from 'moleculer';
import { loadMappingSet } from '../../app/mapping-files';
import { loadPartnerBindings } from '../../connectors/partners/bindings';
import { loadPosts } from '../../config/catalogue';
import type { SubmissionPlan } from '../requests/handler-contract';
import { demoRegistrations } from './demo-seed';
import { createRegistrationService } from './service';

/**
 * Guarantee 5 for DGSN: what leaves the hub for an identity check is what the check needs — CNIE, Latin names,
 * birth date — and nothing the registration also holds (household, profession, residence, contact, Arabic
 * names). Proved on the real path: the handler's plan, then the request mapping the DGSN binding names.
 */
describe('DGSN receives only what the identity check needs', () => {
  const broker = new ServiceBroker({ logger: false });
  const youssef = demoRegistrations('2026-11-27')[0];
  let toDgsn: (payload: unknown) => unknown;

  beforeAll(async () => {
    broker.createService(createRegistrationService({ posts: loadPosts(), now: () => new Date('2026-11-27T10:00:00Z') }));
    broker.createService({ name: 'registrations', actions: {
      find: (ctx) => ((ctx.params as { number: string }).number === youssef.number ? youssef : null),
      findByCnie: () => null,
    } });
    await broker.start();
    const binding = (await loadPartnerBindings()).get('dgsn');
    const mappingId = binding?.mappings?.['identity.verify']?.request;
    expect(mappingId).toBe('dgsn/identity-check.out');
    const mapping = (await loadMappingSet()).find(String(mappingId));
    toDgsn = (payload) => {
      const result = mapping!.map(payload);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      return result.value;
    };
  });
  afterAll(() => broker.stop());

  const plan = (service: string, post: string, data: unknown) =>
    broker.call('registration.plan', { service, post, applicant: {}, data }) as Promise<SubmissionPlan>;

  it('a new registration with household, profession, contact and Arabic names sends DGSN the four identity fields', async () => {
    const example = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'docs', 'examples', 'registration-new.json'), 'utf8'));
    example.data.identity = { ...example.data.identity, familyNameAr: 'الفاسي', givenNamesAr: 'أمينة' };
    const { outbox } = await plan('registration-new', 'CG-PARIS', example.data);
    expect(outbox).toHaveLength(1);
    const sent = toDgsn(outbox[0].payload);
    expect(sent).toEqual({ cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' });
    const wire = JSON.stringify(sent);
    for (const never of ['Nour', 'Architecte', 'Rivoli', 'amina@example.org', '+33', 'الفاسي']) expect(wire).not.toContain(never);
  });

  it('an identity update sends the identity after the change, not the other changes', async () => {
    const { outbox } = await plan('registration-update', 'CG-BRUXELLES', {
      registrationNumber: youssef.number, cnie: 'AB987654', changes: { identity: { givenNames: 'Youssef Karim' }, profession: 'Architecte' } });
    expect(toDgsn(outbox[0].payload)).toEqual({ cnie: 'AB987654', familyName: 'BENANI', givenNames: 'Youssef Karim', birthDate: '1975-11-03' });
  });

  it('an address or profession update sends nothing to any agency', async () => {
    const { outbox, status } = await plan('registration-update', 'CG-BRUXELLES', {
      registrationNumber: youssef.number, cnie: 'AB987654', changes: { residence: { line1: 'Avenue Louise 230', city: 'Ixelles', country: 'BEL' }, profession: 'Architecte' } });
    expect(outbox).toEqual([]);
    expect(status).toBe('ready-for-decision');
  });
});
