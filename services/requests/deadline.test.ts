import { deadlineOf } from './deadline';

const definition = { deadline: { at: ['results.correctedData.transport.expectedArrivalAt', 'data.transport.expectedArrivalAt'], statuses: ['awaiting-partners'] } };
const now = new Date('2026-11-24T01:30:00Z');

describe('deadlineOf (the time left before a request\'s deadline, computed when read)', () => {
  it('reads the first path holding a date-time and counts whole seconds from now', () => {
    const request = { status: 'awaiting-partners', data: { transport: { expectedArrivalAt: '2026-11-24T13:30:00Z' } }, results: {} };
    expect(deadlineOf(definition, request, now)).toEqual({ deadline: { at: '2026-11-24T13:30:00Z', secondsLeft: 12 * 3600 } });
    expect(deadlineOf(definition, request, new Date('2026-11-24T13:30:01.500Z'))).toEqual({ deadline: { at: '2026-11-24T13:30:00Z', secondsLeft: -2 } });
  });

  it('prefers a corrected value kept in results over the submitted one', () => {
    const request = { status: 'awaiting-partners', data: { transport: { expectedArrivalAt: '2026-11-24T13:30:00Z' } },
      results: { correctedData: { transport: { expectedArrivalAt: '2026-11-25T01:30:00+01:00' } } } };
    expect(deadlineOf(definition, request, now)?.deadline).toEqual({ at: '2026-11-25T01:30:00+01:00', secondsLeft: 23 * 3600 });
  });

  it('gives nothing without a deadline in the catalogue, outside the statuses named, or when no path holds a date-time', () => {
    const request = { status: 'awaiting-partners', data: { transport: { expectedArrivalAt: 'soon' } }, results: {} };
    expect(deadlineOf(undefined, request, now)).toEqual({});
    expect(deadlineOf(definition, request, now)).toEqual({});
    expect(deadlineOf(definition, { ...request, status: 'completed', data: { transport: { expectedArrivalAt: '2026-11-24T13:30:00Z' } } }, now)).toEqual({});
  });
});
