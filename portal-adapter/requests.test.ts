import { Errors } from 'moleculer';
import { HubError } from '../broker/errors';
import { PDF_BYTES, startTestPortal, validCreateBody, type TestPortal } from './test-kit';

let portal: TestPortal;
let agent: string;
let citizen: string;
let supervisor: string;

beforeAll(async () => {
  portal = await startTestPortal();
  agent = await portal.bearer('agent', 'CG-PARIS', 'agent-7');
  citizen = await portal.bearer('citizen', undefined, 'citizen-42');
  supervisor = await portal.bearer('supervisor', 'CG-MADRID');
});
afterAll(async () => portal.close());
beforeEach(() => portal.hub.reset());

function create(headers: Record<string, string>, body: unknown = validCreateBody()) {
  return portal.app.inject({ method: 'POST', url: '/api/v1/requests', headers, payload: body as Record<string, unknown> });
}

describe('POST /api/v1/requests', () => {
  it('creates a request: 201, Location, and the envelope, the key and the caller reach requests.create', async () => {
    const res = await create({ authorization: citizen, 'idempotency-key': 'k-001' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: 'req-1', reference: 'LA-2026-000001', status: 'submitted' });
    expect(res.headers.location).toBe('/api/v1/requests/req-1');
    expect(res.headers['idempotency-replayed']).toBeUndefined();
    const [call] = portal.hub.callsOf('requests.create');
    expect(call.params).toEqual({ ...validCreateBody(), idempotencyKey: 'k-001' });
    expect(call.meta).toMatchObject({ auth: { sub: 'citizen-42', role: 'citizen' } });
    expect((call.meta.auth as Record<string, unknown>).post).toBeUndefined();
  });

  it('answers an idempotent replay with 200, the same body and Idempotency-Replayed: true', async () => {
    portal.hub.answer('requests.create', () => ({ id: 'req-1', reference: 'LA-2026-000001', status: 'submitted', replayed: true }));
    const res = await create({ authorization: agent, 'idempotency-key': 'k-001' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'req-1', reference: 'LA-2026-000001', status: 'submitted' });
    expect(res.headers['idempotency-replayed']).toBe('true');
    expect(portal.hub.callsOf('requests.create')[0].meta.auth).toEqual({ sub: 'agent-7', role: 'agent', post: 'CG-PARIS' });
  });

  it('requires an Idempotency-Key (400 IDEMPOTENCY_KEY_REQUIRED) and calls no service without one', async () => {
    const res = await create({ authorization: citizen });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REQUIRED', status: 400 });
    expect(portal.hub.calls).toHaveLength(0);
  });

  it('refuses an over-long or non-printable Idempotency-Key', async () => {
    expect((await create({ authorization: citizen, 'idempotency-key': 'x'.repeat(201) })).json().code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect((await create({ authorization: citizen, 'idempotency-key': 'clé' })).json().code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect((await create({ authorization: citizen, 'idempotency-key': 'x'.repeat(200) })).statusCode).toBe(201);
  });

  it('passes a 409 IDEMPOTENCY_KEY_REUSED thrown by the service through as a problem', async () => {
    portal.hub.answer('requests.create', () => { throw new HubError('IDEMPOTENCY_KEY_REUSED', 'This key was used for another request body'); });
    const res = await create({ authorization: citizen, 'idempotency-key': 'k-001' });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'https://econsulat.example/problems/idempotency-key-reused', code: 'IDEMPOTENCY_KEY_REUSED', status: 409,
      title: 'This Idempotency-Key was used with another body', detail: 'This key was used for another request body',
    });
  });

  it('passes field errors of the service (data checked against the service schema) through', async () => {
    portal.hub.answer('requests.create', () => {
      throw new HubError('VALIDATION_FAILED', 'The data does not match the service schema', { errors: [{ path: '/data/licenceNumber', message: 'must match pattern' }] });
    });
    const res = await create({ authorization: citizen, 'idempotency-key': 'k-002' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/data/licenceNumber', message: 'must match pattern' }]);
  });

  it('lets a supervisor not create (403) and an anonymous caller not at all (401)', async () => {
    expect((await create({ authorization: supervisor, 'idempotency-key': 'k' })).json().code).toBe('FORBIDDEN');
    expect((await create({ 'idempotency-key': 'k' })).json().code).toBe('UNAUTHENTICATED');
    expect(portal.hub.calls).toHaveLength(0);
  });

  it('answers a service that breaks its contract with a generic 500', async () => {
    portal.hub.answer('requests.create', () => ({ id: 12 }));
    const res = await create({ authorization: citizen, 'idempotency-key': 'k' });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('INTERNAL');
  });
});

describe('GET /api/v1/requests/:id', () => {
  it('returns what requests.get answers, with no-store caching', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/requests/req-1', headers: { authorization: citizen } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'req-1', status: 'submitted', service: 'licence-authentication' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(portal.hub.callsOf('requests.get')[0].params).toEqual({ id: 'req-1' });
  });

  it('passes NOT_FOUND and FORBIDDEN decided by the service through', async () => {
    portal.hub.answer('requests.get', () => { throw new Errors.MoleculerError('No such request', 404, 'NOT_FOUND', {}); });
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/requests/req-9', headers: { authorization: agent } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'No such request' });
  });

  it('rejects an id with characters a request id never has', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/requests/a%20b', headers: { authorization: agent } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '/id' }] });
  });
});

describe('GET /api/v1/requests', () => {
  it('passes filters and paging (coerced, defaulted) to requests.list', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/requests?status=submitted&service=licence-authentication&page=2&_=123', headers: { authorization: agent } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], page: 2, pageSize: 20, total: 0 });
    expect(portal.hub.callsOf('requests.list')[0].params).toEqual({ status: 'submitted', service: 'licence-authentication', page: 2, pageSize: 20 });
  });

  it('refuses an unknown status and a citizen', async () => {
    const bad = await portal.app.inject({ method: 'GET', url: '/api/v1/requests?status=lost&pageSize=1000', headers: { authorization: agent } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['/pageSize', '/status']);
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/requests', headers: { authorization: citizen } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
  });
});

describe('POST /api/v1/requests/:id/actions/:action', () => {
  const act = (action: string, authorization: string, payload?: Record<string, unknown>) =>
    portal.app.inject({ method: 'POST', url: `/api/v1/requests/req-1/actions/${action}`, headers: { authorization }, ...(payload ? { payload } : {}) });

  it('calls requests.act with the reason; the body is optional', async () => {
    const res = await act('reject', supervisor, { reason: 'Licence suspended' });
    expect(res.statusCode).toBe(200);
    expect(portal.hub.callsOf('requests.act')[0].params).toEqual({ id: 'req-1', action: 'reject', reason: 'Licence suspended' });
    expect((await act('approve', agent)).statusCode).toBe(200);
    expect(portal.hub.callsOf('requests.act')[1].params).toEqual({ id: 'req-1', action: 'approve' });
  });

  it('lets a citizen cancel, and nothing else', async () => {
    expect((await act('cancel', citizen)).statusCode).toBe(200);
    const res = await act('approve', citizen);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect(portal.hub.callsOf('requests.act')).toHaveLength(1);
  });

  it('passes ACTION_NOT_ALLOWED (409) from the service, in the Moleculer error shape', async () => {
    portal.hub.answer('requests.act', () => { throw new Errors.MoleculerError('Cannot issue a request in status submitted', 409, 'ACTION_NOT_ALLOWED', {}); });
    const res = await act('issue', agent);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ACTION_NOT_ALLOWED', type: 'https://econsulat.example/problems/action-not-allowed' });
  });

  it('refuses unknown body properties', async () => {
    const res = await act('reject', agent, { reason: 'x', because: 'y' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/because', message: 'is not an allowed property' }]);
  });
});

describe('GET /api/v1/requests/:id/documents/:docId', () => {
  it('sends the bytes with their content type as an attachment', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/requests/req-1/documents/doc-1', headers: { authorization: citizen } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename="attestation.pdf"; filename*=UTF-8\'\'attestation.pdf');
    expect(res.rawPayload.equals(PDF_BYTES)).toBe(true);
    expect(portal.hub.callsOf('requests.document')[0].params).toEqual({ id: 'req-1', docId: 'doc-1' });
  });

  it('keeps a non-ASCII file name, and no header can be injected through the name or the type', async () => {
    portal.hub.answer('requests.document', () => ({ contentType: 'text/html\r\nSet-Cookie: a=b', filename: 'شهادة "1"\r\n/../x.pdf', contentBase64: 'AAEC' }));
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/requests/req-1/documents/doc-1', headers: { authorization: agent } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['set-cookie']).toBeUndefined();
    const disposition = String(res.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="[^"\r\n/\\]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
    expect(decodeURIComponent(disposition.split("''")[1])).toBe('شهادة "1"___.._x.pdf');
    expect([...res.rawPayload]).toEqual([0, 1, 2]);
  });
});
