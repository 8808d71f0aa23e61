import { isHubError } from '../../broker/errors';
import { fillRoutingKey } from './routing-key';

function mappingError(run: () => unknown): string {
  try { run(); } catch (error) { if (isHubError(error) && error.code === 'MAPPING_FAILED') return error.message; throw error; }
  throw new Error('expected MAPPING_FAILED');
}

describe('fillRoutingKey', () => {
  it('fills placeholders from dotted payload paths', () => {
    expect(fillRoutingKey('consulat.{post}.{request.kind}.v1', { post: 'CG-PARIS', request: { kind: 'burial' } }, 'ctx')).toBe('consulat.CG-PARIS.burial.v1');
    expect(fillRoutingKey('n.{seq}', { seq: 42 }, 'ctx')).toBe('n.42');
    expect(fillRoutingKey('fixed.key', {}, 'ctx')).toBe('fixed.key');
  });

  it.each([
    ['a dot (one more word of a topic key)', 'CG.PARIS'],
    ['a wildcard', '#'],
    ['a space', 'CG PARIS'],
    ['nothing', ''],
  ])('refuses a value with %s, without echoing it', (_what, value) => {
    const message = mappingError(() => fillRoutingKey('n.{post}', { post: value }, 'peer op'));
    expect(message).toBe('peer op: payload field post is not usable in a routing key (letters, digits, _, -, : only)');
  });

  it('names a missing field or a non-scalar one, and reads own properties only', () => {
    expect(mappingError(() => fillRoutingKey('n.{a.b}', { a: {} }, 'ctx'))).toBe('ctx: payload field a.b is missing');
    expect(mappingError(() => fillRoutingKey('n.{a}', { a: { b: 1 } }, 'ctx'))).toBe('ctx: payload field a is not a string or number');
    expect(mappingError(() => fillRoutingKey('n.{a.constructor}', { a: {} }, 'ctx'))).toBe('ctx: payload field a.constructor is missing');
  });
});
