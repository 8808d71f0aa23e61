import { mergeClearance, verdict, type Clearance } from './clearances';
import { escalationDue } from './escalation';

const granted = (agency: Clearance['agency'], extra: Partial<Clearance> = {}): Clearance => ({ agency, status: 'granted', ...extra });

describe('repatriation clearances', () => {
  it('an acknowledgement never undoes a decision that overtook it; it only adds the agency reference', () => {
    const decided = granted('interior', { partnerReference: 'MI-INH-2026-000001', decisionReference: 'AI-1' });
    expect(mergeClearance(decided, { agency: 'interior', status: 'pending', partnerReference: 'MI-INH-2026-000001' })).toBeUndefined();
    expect(mergeClearance(granted('health'), { agency: 'health', status: 'pending', partnerReference: 'SAN-1' })).toEqual(granted('health', { partnerReference: 'SAN-1' }));
  });

  it('the same decision twice changes nothing; an older event never overwrites a newer one', () => {
    const arrival = granted('dgsn', { kind: 'border-arrival', stamp: { at: '2026-11-24T13:35:00Z', type: 'BORDER_ARRIVAL' } });
    const clearance = granted('dgsn', { kind: 'transport-clearance', stamp: { at: '2026-11-21T09:20:00Z', type: 'TRANSPORT_CLEARANCE' } });
    expect(mergeClearance(arrival, clearance)).toBeUndefined();
    expect(mergeClearance(arrival, arrival)).toBeUndefined();
    expect(mergeClearance(clearance, arrival)).toMatchObject({ kind: 'border-arrival' });
    const poll = granted('interior', { decisionReference: 'AI-1' });
    expect(mergeClearance(poll, { ...poll })).toBeUndefined();
  });

  it('one refusal rejects, a question asks the family, three grants are ready', () => {
    expect(verdict({ interior: granted('interior'), health: { agency: 'health', status: 'refused', reason: 'contagieux' } })).toMatchObject({ to: 'rejected', agency: 'health' });
    expect(verdict({ interior: { agency: 'interior', status: 'needs-info', reason: 'DEATH_ACT_MISSING' }, health: granted('health') })).toMatchObject({ to: 'info-requested', agency: 'interior' });
    expect(verdict({ interior: granted('interior'), health: granted('health') })).toEqual({ to: 'awaiting-partners' });
    expect(verdict({ interior: granted('interior'), health: granted('health'), dgsn: granted('dgsn') })).toMatchObject({ to: 'ready-for-decision' });
  });

  it('escalates 12 hours before arrival, naming the clearances still pending', () => {
    const results = { interiorClearance: granted('interior'), healthClearance: { agency: 'health', status: 'pending' } };
    expect(escalationDue('2026-11-24T13:30:00Z', results, new Date('2026-11-24T01:29:00Z'))).toBeUndefined();
    expect(escalationDue('2026-11-24T13:30:00Z', results, new Date('2026-11-24T01:30:00Z'))).toMatchObject({ pending: ['health', 'dgsn'], hoursLeft: 12 });
    const all = { interiorClearance: granted('interior'), healthClearance: granted('health'), dgsnClearance: granted('dgsn') };
    expect(escalationDue('2026-11-24T13:30:00Z', all, new Date('2026-11-24T12:00:00Z'))).toBeUndefined();
  });
});
