import type { PartnerReply } from '../../broker/inbox/processor';
import { mergeClearance, verdict } from './clearances';
import { clearanceOf } from './replies';

const reply = (partner: string, kind: PartnerReply['kind'], result: Record<string, unknown>): PartnerReply =>
  ({ requestId: null, caseReference: 'REP-MAD-2026-000001', messageId: 'm-1', partner, operation: 'op', kind, result });

describe('partner words as the clearances the repatriation keeps', () => {
  it("a DGSN status poll is ordered by DGSN's own time: a newer BORDER_ARRIVAL event replaces it, an older event does not", () => {
    const polled = clearanceOf(reply('dgsn', 'answer', { agency: 'dgsn', kind: 'transport-clearance', status: 'granted', decidedAt: '2026-11-21T09:20:00.000Z' }));
    expect(polled?.stamp).toEqual({ at: '2026-11-21T09:20:00.000Z', type: 'TRANSPORT_CLEARANCE' });
    const arrival = clearanceOf(reply('dgsn', 'event', { agency: 'dgsn', kind: 'border-arrival', status: 'granted', decidedAt: '2026-11-24T13:35:00.000Z' }));
    const kept = mergeClearance(polled, arrival as NonNullable<typeof arrival>);
    expect(kept).toMatchObject({ kind: 'border-arrival' });
    const late = clearanceOf(reply('dgsn', 'event', { agency: 'dgsn', kind: 'transport-clearance', status: 'refused', reason: 'HELD', decidedAt: '2026-11-21T09:00:00.000Z' }));
    expect(mergeClearance(kept, late as NonNullable<typeof late>)).toBeUndefined();
  });

  it("the Interior's answers carry no decision time of their own: not stamped", () => {
    expect(clearanceOf(reply('interior', 'answer', { agency: 'interior', status: 'granted', decidedAt: '2026-11-21T10:00:00.000Z' }))?.stamp).toBeUndefined();
  });

  it("Health's 400 Erreurs asks the family, naming the Ministry's fields (and nothing else of its answer)", () => {
    const asked = clearanceOf(reply('health', 'answer', { agency: 'health', kind: 'sanitary-clearance', status: 'needs-info', reason: 'refused as sent', fields: ['Pieces', 'Cercueil/Scelle'], extra: 'x' }));
    expect(asked).toEqual({ agency: 'health', kind: 'sanitary-clearance', status: 'needs-info', reason: 'refused as sent', fields: ['Pieces', 'Cercueil/Scelle'] });
    expect(verdict({ health: asked })).toEqual({ to: 'info-requested', agency: 'health', note: 'Health (sanitary clearance): more information needed — refused as sent (fields: Pieces, Cercueil/Scelle)' });
  });
});
