import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadMappingSet } from '../../app/mapping-files';
import type { MappingSet } from '../../mappings';
import { narsaResultMappingInput, type NarsaResult } from './narsa-results';

const FIXTURES = path.join(__dirname, '..', '..', 'mappings', 'partners', 'narsa', 'fixtures');
const readJson = async (name: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

let mappings: MappingSet;
beforeAll(async () => { mappings = await loadMappingSet(); });

const mapResult = (input: unknown) => mappings.get('narsa/licence-result.in', 'licence-verification').map(input);

describe('narsaResultMappingInput', () => {
  it('gives the result mapping the record, the licence number asked for and the time the file was taken in', async () => {
    // The golden fixture is a record as readNarsaResult gives it, with request and receivedAt added.
    const { request, receivedAt, ...record } = await readJson('result-amina-el-fassi-found.json');
    const input = narsaResultMappingInput(record as unknown as NarsaResult, request as { licenceNumber: string }, receivedAt as string);
    const mapped = mapResult(input);
    expect(mapped).toEqual({ ok: true, value: await readJson('result-amina-el-fassi-found.expected.json') });
  });

  it('carries the asked licence number for a NOT_FOUND, which names none', () => {
    const input = narsaResultMappingInput({ requestId: 'r1', outcome: 'NOT_FOUND' }, { licenceNumber: '99/000001' }, '2026-11-27T02:10:00+01:00');
    expect(mapResult(input)).toEqual({ ok: true, value: { licenceNumber: '99/000001', outcome: 'not-found', verifiedAt: '2026-11-27T01:10:00.000Z' } });
  });

  it('without the request (an unknown RequestId) a NOT_FOUND does not map: the licence number is required', () => {
    const mapped = mapResult(narsaResultMappingInput({ requestId: 'r1', outcome: 'NOT_FOUND' }, undefined, '2026-11-27T02:10:00+01:00'));
    expect(mapped.ok).toBe(false);
    expect(mapped.ok ? [] : mapped.errors.map((e) => e.path)).toContain('/licenceNumber');
  });
});
