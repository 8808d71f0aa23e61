import { setTimeout as sleep } from 'node:timers/promises';
import { HubError, isHubError } from '../../broker/errors';
import { EndpointBreaker } from './circuit-breaker';

const endpointDown = () => Promise.reject(new HubError('PARTNER_UNAVAILABLE', 'down'));
const rejected = () => Promise.reject(new HubError('PARTNER_REJECTED', 'no'));
const isEndpointFailure = (error: unknown) => isHubError(error) && ['PARTNER_UNAVAILABLE', 'PARTNER_TIMEOUT'].includes(error.code);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try { await promise; return undefined; } catch (error) { return isHubError(error) ? error.code : String(error); }
}

describe('EndpointBreaker', () => {
  const breakers: EndpointBreaker[] = [];
  const make = (failureThreshold: number, resetTimeoutMs: number) => {
    const breaker = new EndpointBreaker('GET https://peer/x', { failureThreshold, resetTimeoutMs }, { isEndpointFailure });
    breakers.push(breaker);
    return breaker;
  };
  afterEach(() => breakers.splice(0).forEach((b) => b.shutdown()));

  it('passes results and errors through while closed', async () => {
    const breaker = make(3, 1000);
    await expect(breaker.run(async () => 42)).resolves.toBe(42);
    expect(await codeOf(breaker.run(endpointDown))).toBe('PARTNER_UNAVAILABLE');
    expect(breaker.state).toBe('closed');
  });

  it('opens after N consecutive endpoint failures and then fails fast without running the task', async () => {
    const breaker = make(3, 60_000);
    for (let i = 0; i < 3; i++) await codeOf(breaker.run(endpointDown));
    expect(breaker.state).toBe('open');
    let ran = false;
    let caught: unknown;
    try { await breaker.run(async () => { ran = true; }); } catch (error) { caught = error; }
    expect(ran).toBe(false);
    expect(isHubError(caught) && caught.code).toBe('PARTNER_CIRCUIT_OPEN');
    const retryAfterMs = isHubError(caught) ? caught.retryAfterMs ?? -1 : -1;
    expect(retryAfterMs).toBeGreaterThan(59_000);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('counts consecutive failures only: a success in between starts the count again', async () => {
    const breaker = make(3, 60_000);
    await codeOf(breaker.run(endpointDown));
    await codeOf(breaker.run(endpointDown));
    await breaker.run(async () => 'ok');
    await codeOf(breaker.run(endpointDown));
    await codeOf(breaker.run(endpointDown));
    expect(breaker.state).toBe('closed');
  });

  it('is not tripped by answers that prove the endpoint alive (errorFilter)', async () => {
    const breaker = make(2, 60_000);
    for (let i = 0; i < 5; i++) expect(await codeOf(breaker.run(rejected))).toBe('PARTNER_REJECTED');
    expect(breaker.state).toBe('closed');
  });

  it('half-opens after resetTimeout and closes when the trial call succeeds', async () => {
    const breaker = make(1, 150);
    await codeOf(breaker.run(endpointDown));
    expect(breaker.state).toBe('open');
    await sleep(200);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.run(async () => 'back')).resolves.toBe('back');
    expect(breaker.state).toBe('closed');
  });

  it('re-opens for another resetTimeout when the trial call fails', async () => {
    const breaker = make(1, 150);
    await codeOf(breaker.run(endpointDown));
    await sleep(200);
    expect(await codeOf(breaker.run(endpointDown))).toBe('PARTNER_UNAVAILABLE');
    expect(breaker.state).toBe('open');
    expect(await codeOf(breaker.run(async () => 'x'))).toBe('PARTNER_CIRCUIT_OPEN');
  });

  it('lets only one trial through while half-open', async () => {
    const breaker = make(1, 100);
    await codeOf(breaker.run(endpointDown));
    await sleep(150);
    const trial = breaker.run(() => sleep(100).then(() => 'trial'));
    expect(await codeOf(breaker.run(async () => 'second'))).toBe('PARTNER_CIRCUIT_OPEN');
    await expect(trial).resolves.toBe('trial');
    expect(breaker.state).toBe('closed');
  });
});
