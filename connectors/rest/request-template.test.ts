import { isHubError } from '../../broker/errors';
import type { RestOperation } from './config-schema';
import { buildRequest, placeholdersOf, readPayloadPath } from './request-template';

const verify: RestOperation = {
  method: 'GET',
  path: '/narsa/v1/permis/{licenceNumber}',
  query: { cnie: 'holder.cnie', dateNaissance: 'holder.birthDate' },
  answers: [200, 404, 409],
};
const payload = { licenceNumber: '12/345678', holder: { cnie: 'BK123456', birthDate: '1990-04-12' } };

function mappingError(run: () => unknown): string {
  try { run(); } catch (error) { if (isHubError(error) && error.code === 'MAPPING_FAILED') return error.message; throw error; }
  throw new Error('expected MAPPING_FAILED');
}

describe('buildRequest', () => {
  it('percent-encodes placeholders so a `/` in a licence number stays in its segment', () => {
    expect(buildRequest(verify, payload, 'ctx').pathAndQuery).toBe('/narsa/v1/permis/12%2F345678?cnie=BK123456&dateNaissance=1990-04-12');
  });

  it('encodes characters that would change the meaning of the path or query', () => {
    const built = buildRequest(verify, { licenceNumber: '../x?y#z', holder: { cnie: 'A&B=C', birthDate: '1990-04-12' } }, 'ctx');
    expect(built.pathAndQuery).toBe('/narsa/v1/permis/..%2Fx%3Fy%23z?cnie=A%26B%3DC&dateNaissance=1990-04-12');
  });

  it('sends the chosen payload part as a JSON body', () => {
    const op: RestOperation = { method: 'POST', path: '/checks', query: {}, body: 'holder', answers: [201] };
    expect(buildRequest(op, payload, 'ctx')).toEqual({ pathAndQuery: '/checks', body: '{"cnie":"BK123456","birthDate":"1990-04-12"}' });
    expect(buildRequest({ ...op, body: '$' }, { a: 1 }, 'ctx').body).toBe('{"a":1}');
  });

  it('names a missing field without echoing any value', () => {
    const message = mappingError(() => buildRequest(verify, { licenceNumber: '12/345678', holder: { cnie: 'BK123456' } }, 'narsa licence.verify'));
    expect(message).toBe('narsa licence.verify: payload field holder.birthDate is missing');
    expect(message).not.toContain('BK123456');
    expect(message).not.toContain('12/345678');
  });

  it('refuses an object where a path or query value is expected', () => {
    expect(mappingError(() => buildRequest(verify, { ...payload, licenceNumber: { n: 1 } }, 'ctx'))).toContain('licenceNumber is not a string, number or boolean');
  });
});

describe('readPayloadPath', () => {
  it('walks dotted paths on own properties only', () => {
    expect(readPayloadPath(payload, 'holder.cnie')).toBe('BK123456');
    expect(readPayloadPath(payload, 'holder.missing')).toBeUndefined();
    expect(readPayloadPath(payload, 'holder.toString')).toBeUndefined();
    expect(readPayloadPath(payload, '$')).toBe(payload);
  });
});

describe('placeholdersOf', () => {
  it('lists the fields a path template needs', () => {
    expect(placeholdersOf('/a/{x}/b/{y.z}')).toEqual(['x', 'y.z']);
  });
});
