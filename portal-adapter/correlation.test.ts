import { startTestPortal, validCreateBody, type TestPortal } from './test-kit';

let portal: TestPortal;
beforeAll(async () => { portal = await startTestPortal(); });
afterAll(async () => portal.close());
beforeEach(() => portal.hub.reset());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation id', () => {
  it('is taken from X-Correlation-Id, passed in meta with the caller, and echoed', async () => {
    const authorization = await portal.bearer('agent', 'CG-BRUXELLES', 'agent-3');
    const res = await portal.app.inject({
      method: 'POST', url: '/api/v1/requests', payload: validCreateBody(),
      headers: { authorization, 'idempotency-key': 'k', 'x-correlation-id': 'front-1234.abc' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-correlation-id']).toBe('front-1234.abc');
    expect(portal.hub.callsOf('requests.create')[0].meta).toEqual({
      auth: { sub: 'agent-3', role: 'agent', post: 'CG-BRUXELLES' }, correlationId: 'front-1234.abc',
    });
  });

  it('is generated when absent, and when the header is not a sane token', async () => {
    for (const header of [undefined, 'has spaces', 'x'.repeat(101), 'a\u00e9b']) {
      const res = await portal.app.inject({ method: 'GET', url: '/api/v1/services', headers: header === undefined ? {} : { 'x-correlation-id': header } });
      const id = String(res.headers['x-correlation-id']);
      expect(id).toMatch(UUID);
      expect(portal.hub.calls.at(-1)?.meta.correlationId).toBe(id);
    }
  });

  it('is on error answers too, in the header and the problem', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/requests', headers: { 'x-correlation-id': 'corr-9' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-correlation-id']).toBe('corr-9');
    expect(res.json().correlationId).toBe('corr-9');
    const notFound = await portal.app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-correlation-id': 'corr-10' } });
    expect(notFound.headers['x-correlation-id']).toBe('corr-10');
    expect(notFound.json().correlationId).toBe('corr-10');
    const badUrl = await portal.app.inject({ method: 'GET', url: '/api/v1/requests/%E0%A4%A', headers: { 'x-correlation-id': 'corr-11' } });
    expect(badUrl.headers['x-correlation-id']).toBe('corr-11');
    expect(badUrl.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
