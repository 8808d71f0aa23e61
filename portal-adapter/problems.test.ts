import { Errors } from 'moleculer';
import { HubError } from '../broker/errors';
import { classify } from './problems';
import { startTestPortal, validCreateBody, type TestPortal } from './test-kit';

let portal: TestPortal;
let headers: Record<string, string>;

beforeAll(async () => {
  portal = await startTestPortal({ bodyLimitBytes: 4096 });
  headers = { authorization: await portal.bearer('citizen'), 'idempotency-key': 'k-1', 'content-type': 'application/json' };
});
afterAll(async () => portal.close());
beforeEach(() => portal.hub.reset());

function post(payload: string | Buffer, extraHeaders: Record<string, string> = {}) {
  return portal.app.inject({ method: 'POST', url: '/api/v1/requests', headers: { ...headers, ...extraHeaders }, payload });
}

function withApplicant(change: (applicant: Record<string, unknown>) => void): string {
  const body = validCreateBody();
  change(body.applicant as Record<string, unknown>);
  return JSON.stringify(body);
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => Record<string, unknown> }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const problem = res.json();
  expect(problem).toMatchObject({ status, code, type: `https://econsulat.example/problems/${code.toLowerCase().replace(/_/g, '-')}` });
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  expect(problem.correlationId).toBe(res.headers['x-correlation-id']);
  return problem;
}

describe('validation failures name the field', () => {
  it('a missing property is reported at its own path', async () => {
    const problem = expectProblem(await post(withApplicant((a) => { delete a.familyName; })), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: '/applicant/familyName', message: 'is required' }]);
  });

  it('a wrong type, without coercion', async () => {
    const body = { ...validCreateBody(), service: 42 };
    const problem = expectProblem(await post(JSON.stringify(body)), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: '/service', message: 'must be string' }]);
  });

  it('an impossible date', async () => {
    const problem = expectProblem(await post(withApplicant((a) => { a.birthDate = '1990-02-30'; })), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: '/applicant/birthDate', message: 'must match format "date"' }]);
  });

  it('an extra property, on the envelope and on the applicant (not silently dropped)', async () => {
    const body: Record<string, unknown> = { ...validCreateBody(), priority: 'high' };
    (body.applicant as Record<string, unknown>).nickname = 'Mina';
    const problem = expectProblem(await post(JSON.stringify(body)), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(expect.arrayContaining([
      { path: '/priority', message: 'is not an allowed property' },
      { path: '/applicant/nickname', message: 'is not an allowed property' },
    ]));
  });

  it('several errors at once, and never the submitted value', async () => {
    const problem = expectProblem(await post(withApplicant((a) => { a.email = 'amina-at-example'; delete a.givenNames; })), 400, 'VALIDATION_FAILED');
    const errors = problem.errors as { path: string; message: string }[];
    expect(errors.map((e) => e.path).sort()).toEqual(['/applicant/email', '/applicant/givenNames']);
    expect(JSON.stringify(problem)).not.toContain('amina-at-example');
    expect(portal.hub.calls).toHaveLength(0);
  });

  it('an empty body is not an object', async () => {
    const problem = expectProblem(await post(''), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: '', message: 'must be object' }]);
  });
});

describe('unreadable bodies', () => {
  it('malformed JSON → 400 MALFORMED_BODY', async () => {
    expectProblem(await post('{"service": "licence-authentication",'), 400, 'MALFORMED_BODY');
  });

  it('prototype poisoning is refused as malformed', async () => {
    expectProblem(await post('{"__proto__": {"admin": true}}'), 400, 'MALFORMED_BODY');
  });

  it('bytes that are not UTF-8 → 400 MALFORMED_BODY; another charset → 415', async () => {
    expectProblem(await post(Buffer.from('{"service":"caf\xe9"}', 'latin1')), 400, 'MALFORMED_BODY');
    expectProblem(await post(JSON.stringify(validCreateBody()), { 'content-type': 'application/json; charset=iso-8859-1' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const body = { ...validCreateBody(), data: { blob: 'x'.repeat(5000) } };
    expectProblem(await post(JSON.stringify(body)), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('another content type → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    expectProblem(await post(JSON.stringify(validCreateBody()), { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await post('service=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('other problems', () => {
  it('an unknown route → 404 NOT_FOUND as a problem', async () => {
    expectProblem(await portal.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'NOT_FOUND');
    expectProblem(await portal.app.inject({ method: 'DELETE', url: '/api/v1/services' }), 404, 'NOT_FOUND');
  });

  it('an unexpected error → 500 INTERNAL whose detail does not leak the message', async () => {
    portal.hub.answer('catalogue.list', () => { throw new Error('database row for Amina EL FASSI is corrupt'); });
    const res = await portal.app.inject({ method: 'GET', url: '/api/v1/services' });
    const problem = expectProblem(res, 500, 'INTERNAL');
    expect(JSON.stringify(problem)).not.toMatch(/Amina|corrupt/);
  });

  it('a hub service that is not running → 503 NOT_READY with Retry-After', async () => {
    const partial = await startTestPortal({ services: ['hub'] });
    try {
      const res = await partial.app.inject({ method: 'GET', url: '/api/v1/services' });
      expectProblem(res, 503, 'NOT_READY');
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await partial.close();
    }
  });
});

describe('classify (errors as they come back from the broker)', () => {
  it('reads a HubError, with its field errors and Retry-After', () => {
    const err = new HubError('PARTNER_RATE_LIMITED', 'The agency asked us to wait', { retryAfterMs: 1500, errors: [{ path: '/a', message: 'm' }] });
    expect(classify(err, 'c-1')).toEqual({
      kind: 'expected', retryAfterSeconds: 2,
      problem: { type: 'https://econsulat.example/problems/partner-rate-limited', title: 'The partner asked us to slow down', status: 429,
        detail: 'The agency asked us to wait', code: 'PARTNER_RATE_LIMITED', correlationId: 'c-1', errors: [{ path: '/a', message: 'm' }] },
    });
  });

  it('reads the Moleculer shape, keeping only well-formed field errors and never `extra`', () => {
    const err = new Errors.MoleculerError('Unknown post', 400, 'UNKNOWN_POST', { errors: [{ path: '/post', message: 'no such post' }, { path: 3 }], extra: { secret: 's' } });
    const { problem } = classify(err, 'c-2');
    expect(problem).toMatchObject({ code: 'UNKNOWN_POST', status: 400, detail: 'Unknown post', errors: [{ path: '/post', message: 'no such post' }] });
    expect(JSON.stringify(problem)).not.toContain('secret');
  });

  it('reads a HubError that lost its class in transport', () => {
    const transported = Object.assign(new Error('Not allowed now'), { name: 'HubError', code: 'ACTION_NOT_ALLOWED' });
    expect(classify(transported, 'c').problem).toMatchObject({ code: 'ACTION_NOT_ALLOWED', status: 409, detail: 'Not allowed now' });
  });

  it('does not trust a look-alike: its message stays hidden', () => {
    const lookalike = Object.assign(new Error('row of Amina EL FASSI'), { type: 'NOT_FOUND', code: 'ENOENT' });
    const { problem, kind } = classify(lookalike, 'c');
    expect(kind).toBe('unexpected');
    expect(problem.code).toBe('INTERNAL');
    expect(problem.detail).not.toContain('Amina');
  });

  it("reads a service's parameter validation error as a 400 naming the field, without fastest-validator's message", () => {
    const err = new Errors.ValidationError('Parameters validation error!', 'VALIDATION_ERROR', [
      { type: 'uuid', field: 'id', actual: 'Amina', message: "The 'id' field must be a valid UUID." },
      { type: 'arrayEnum', field: 'applicant.tags[1]', actual: 'BK123456', message: "The 'BK123456' value in 'applicant.tags[1]' field ..." },
    ]);
    const { problem, kind } = classify(err, 'c');
    expect(kind).toBe('expected');
    expect(problem).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, errors: [
      { path: '/id', message: 'is not valid (uuid)' }, { path: '/applicant/tags/1', message: 'is not valid (arrayEnum)' }] });
    expect(JSON.stringify(problem)).not.toMatch(/Amina|BK123456/);
  });
});
