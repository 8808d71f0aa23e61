import { attestationNumber, channelAtNight, channelAtSubmission, urgencyOf, type RealTimeMessageState } from './verification-channel';

describe('which way NARSA verifies a licence', () => {
  it('reads the urgency from the request data, urgent when the applicant says nothing', () => {
    expect(urgencyOf({})).toBe('urgent');
    expect(urgencyOf({ urgency: 'urgent' })).toBe('urgent');
    expect(urgencyOf({ urgency: 'standard' })).toBe('standard');
  });

  it('sends urgent requests in real time and standard ones to the night batch at submission', () => {
    expect(channelAtSubmission('urgent')).toBe('real-time');
    expect(channelAtSubmission('standard')).toBe('batch');
  });

  it('puts every standard request in the night file, whatever the real-time side does', () => {
    for (const down of [false, true]) {
      expect(channelAtNight({ urgency: 'standard', realTime: 'none' }, down)).toEqual({ channel: 'batch', reason: 'standard', supersede: false });
    }
  });

  it('leaves an urgent request to the real-time path while NARSA REST is up', () => {
    for (const realTime of ['waiting', 'in-flight', 'delivered'] as RealTimeMessageState[]) {
      expect(channelAtNight({ urgency: 'urgent', realTime }, false)).toEqual({ channel: 'real-time' });
    }
  });

  it('moves a waiting urgent request to the batch when REST is down beyond its circuit, withdrawing the real-time message', () => {
    expect(channelAtNight({ urgency: 'urgent', realTime: 'waiting' }, true)).toEqual({ channel: 'batch', reason: 'real-time-down', supersede: true });
  });

  it('never batches a request whose real-time call is under way or answered, even with the circuit open', () => {
    expect(channelAtNight({ urgency: 'urgent', realTime: 'in-flight' }, true)).toEqual({ channel: 'real-time' });
    expect(channelAtNight({ urgency: 'urgent', realTime: 'delivered' }, true)).toEqual({ channel: 'real-time' });
  });

  it('batches an urgent request whose real-time message is in dead letters, or that has none', () => {
    expect(channelAtNight({ urgency: 'urgent', realTime: 'dead' }, false)).toEqual({ channel: 'batch', reason: 'real-time-gave-up', supersede: false });
    expect(channelAtNight({ urgency: 'urgent', realTime: 'none' }, false)).toEqual({ channel: 'batch', reason: 'no-real-time-message', supersede: false });
  });

  it('numbers the attestation after the request reference', () => {
    expect(attestationNumber('LIC-PAR-2026-000042')).toBe('ATT-LIC-PAR-2026-000042');
  });
});
