import { Errors } from 'moleculer';
import { HubError } from '../broker/errors';
import { startTestPortal, type TestPortal } from './test-kit';

let portal: TestPortal;
beforeAll(async () => { portal = await startTestPortal(); });
afterAll(async () => portal.close());
beforeEach(() => portal.hub.reset());

describe('probes and catalogue', () => {
  it('GET /health answers ok without calling the broker', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(portal.hub.calls).toHaveLength(0);
  });

  it('GET /ready relays the checks of hub.ready', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'up', broker: 'up' } });
    expect(portal.hub.callsOf('hub.ready')[0].meta).toMatchObject({ auth: null });
  });

  it('GET /ready is 503 NOT_READY when hub.ready says so, or fails', async () => {
    portal.hub.answer('hub.ready', () => ({ ready: false, checks: { database: 'down' } }));
    const down = await portal.app.inject({ method: 'GET', url: '/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.json()).toMatchObject({ code: 'NOT_READY', checks: { database: 'down' } });

    for (const failure of [new HubError('NOT_READY'), new Errors.MoleculerError('boom', 500, 'SOMETHING', {})]) {
      portal.hub.answer('hub.ready', () => { throw failure; });
      const res = await portal.app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('NOT_READY');
    }
  });

  it('GET /api/v1/services relays catalogue.list', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/services' });
    expect(res.statusCode).toBe(200);
    expect(res.json()[0]).toMatchObject({ code: 'licence-authentication', fee: { amount: 0, currency: 'EUR' } });
  });
});
