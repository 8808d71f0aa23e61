import { startTestPortal, validCreateBody, type TestPortal } from './test-kit';

const lines: string[] = [];
let portal: TestPortal;
beforeAll(async () => { portal = await startTestPortal({ logLines: lines }); });
afterAll(async () => portal.close());

describe('logs', () => {
  it('carry the correlation id, and never bodies, tokens, personal data or error messages', async () => {
    const authorization = await portal.bearer('citizen', undefined, 'citizen-secret-sub');
    const token = authorization.slice('Bearer '.length);
    const headers = { authorization, 'idempotency-key': 'k-1', 'x-correlation-id': 'corr-log-1' };
    await portal.app.inject({ method: 'POST', url: '/api/v1/requests?email=amina@example.org', headers, payload: validCreateBody() });
    await portal.app.inject({ method: 'POST', url: '/api/v1/requests', headers, payload: { ...validCreateBody(), data: 'x' } });
    await portal.app.inject({ method: 'GET', url: '/api/v1/requests', headers: { authorization: `Bearer ${token}x` } });
    portal.hub.answer('requests.get', () => { throw new Error('cannot decrypt file of EL FASSI Amina, CNIE BK123456'); });
    await portal.app.inject({ method: 'GET', url: '/api/v1/requests/req-1', headers: { ...headers, 'x-correlation-id': 'corr-log-2' } });
    await portal.app.inject({ method: 'GET', url: '/api/v1/requests/EL-FASSI/documents/BK123456/extra' });

    const text = lines.join('');
    for (const secret of ['Amina', 'FASSI', 'BK123456', 'amina@example.org', '1990-04-12', token, 'citizen-secret-sub', '127.0.0.1', 'decrypt']) {
      expect(text).not.toContain(secret);
    }
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.some((e) => e.correlationId === 'corr-log-1' && e.msg === 'incoming request')).toBe(true);
    const failure = entries.find((e) => e.msg === 'request failed');
    expect(failure).toMatchObject({ correlationId: 'corr-log-2', level: 50, code: 'INTERNAL', errorName: 'Error' });
    expect(String(failure?.frames)).toMatch(/^\s+at /);
  });

  it('skip the probes', async () => {
    const before = lines.length;
    await portal.app.inject({ method: 'GET', url: '/health' });
    expect(lines.length).toBe(before);
  });
});
