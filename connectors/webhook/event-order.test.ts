import { isNewerState } from './event-order';

describe('isNewerState: an older event never overwrites a later state', () => {
  const clearance = { type: 'TRANSPORT_CLEARANCE', at: '2026-11-27T10:00:00Z' };
  const arrival = { type: 'BORDER_ARRIVAL', at: '2026-11-27T14:30:00Z' };

  it('takes the first event when nothing is known yet', () => {
    expect(isNewerState(undefined, clearance)).toBe(true);
    expect(isNewerState(null, arrival)).toBe(true);
  });

  it('orders by time: arrival after clearance wins, clearance arriving late does not', () => {
    expect(isNewerState(clearance, arrival)).toBe(true);
    expect(isNewerState(arrival, clearance)).toBe(false);
  });

  it('compares instants, not strings (offsets and fractions)', () => {
    expect(isNewerState({ at: '2026-11-27T10:00:00Z' }, { at: '2026-11-27T11:30:00+01:00' })).toBe(true);
    expect(isNewerState({ at: '2026-11-27T10:00:00.500Z' }, { at: '2026-11-27T10:00:00Z' })).toBe(false);
  });

  it('a duplicate (same stamp) does not replace the state', () => {
    expect(isNewerState(arrival, { ...arrival })).toBe(false);
  });

  it('on the same instant, the later step of the transport wins', () => {
    expect(isNewerState({ ...clearance, at: arrival.at }, arrival)).toBe(true);
    expect(isNewerState(arrival, { ...clearance, at: arrival.at })).toBe(false);
  });

  it('a sequence number decides first when both events have one', () => {
    expect(isNewerState({ at: '2026-11-27T12:00:00Z', sequence: 7 }, { at: '2026-11-27T11:00:00Z', sequence: 8 })).toBe(true);
    expect(isNewerState({ at: '2026-11-27T11:00:00Z', sequence: 8 }, { at: '2026-11-27T12:00:00Z', sequence: 7 })).toBe(false);
  });

  it('an unreadable incoming time never wins; an unreadable stored time is replaced', () => {
    expect(isNewerState(clearance, { at: 'yesterday' })).toBe(false);
    expect(isNewerState({ at: '' }, clearance)).toBe(true);
  });
});
