import { isHubError, type HubError } from '../../broker/errors';
import { failureForStatus, flattenHeaders, parseAnswerBody } from './answer';

const now = Date.parse('2026-11-20T10:00:00Z');
const label = 'narsa licence.verify (GET https://peer/narsa/v1/permis/{licenceNumber})';

function thrown(run: () => unknown): HubError {
  try { run(); } catch (error) { if (isHubError(error)) return error; throw error; }
  throw new Error('expected a HubError');
}

describe('failureForStatus', () => {
  it('429 is PARTNER_RATE_LIMITED with Retry-After in seconds or as a date', () => {
    const inSeconds = failureForStatus(429, { 'retry-after': '2' }, label, now);
    expect([inSeconds.code, inSeconds.retryAfterMs]).toEqual(['PARTNER_RATE_LIMITED', 2000]);
    const asDate = failureForStatus(429, { 'retry-after': 'Fri, 20 Nov 2026 10:00:05 GMT' }, label, now);
    expect(asDate.retryAfterMs).toBe(5000);
  });

  it('5xx is PARTNER_UNAVAILABLE (retryable), keeping a Retry-After if any', () => {
    const error = failureForStatus(503, { 'retry-after': '10' }, label, now);
    expect([error.code, error.retryable, error.retryAfterMs]).toEqual(['PARTNER_UNAVAILABLE', true, 10_000]);
    expect(failureForStatus(500, {}, label, now).code).toBe('PARTNER_UNAVAILABLE');
  });

  it('408 is PARTNER_TIMEOUT; any other undeclared status is PARTNER_REJECTED (not retryable)', () => {
    expect(failureForStatus(408, {}, label, now).code).toBe('PARTNER_TIMEOUT');
    const rejected = failureForStatus(400, {}, label, now);
    expect([rejected.code, rejected.retryable, rejected.extra]).toEqual(['PARTNER_REJECTED', false, { status: 400 }]);
    expect(rejected.message).toBe(`${label}: answered 400, which is not a declared answer`);
  });
});

describe('parseAnswerBody', () => {
  it('parses JSON, +json types included, and a leading BOM', () => {
    expect(parseAnswerBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8', 200, label)).toEqual({ a: 1 });
    expect(parseAnswerBody(Buffer.from('\uFEFF{"b":2}'), 'application/problem+json', 404, label)).toEqual({ b: 2 });
  });

  it('gives null for an empty body', () => {
    expect(parseAnswerBody(Buffer.alloc(0), undefined, 404, label)).toBeNull();
  });

  it('refuses broken JSON and non-JSON answers as PARTNER_BAD_RESPONSE without quoting them', () => {
    const broken = thrown(() => parseAnswerBody(Buffer.from('{"cnie":"BK123456"'), 'application/json', 200, label));
    expect(broken.code).toBe('PARTNER_BAD_RESPONSE');
    expect(broken.message).not.toContain('BK123456');
    const html = thrown(() => parseAnswerBody(Buffer.from('<html>Not found</html>'), 'text/html; charset=utf-8', 404, label));
    expect(html.message).toBe(`${label}: answer 404 is text/html, not JSON`);
  });
});

describe('flattenHeaders', () => {
  it('joins repeated headers and drops absent ones', () => {
    expect(flattenHeaders({ 'set-cookie': ['a=1', 'b=2'], 'content-type': 'application/json', 'x-none': undefined })).toEqual({ 'set-cookie': 'a=1, b=2', 'content-type': 'application/json' });
  });
});
