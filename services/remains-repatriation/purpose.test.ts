/**
 * Each agency receives only what its purpose needs: the case the service puts in the outbox for an agency,
 * through that agency's outbound mapping (closed partner schema), as it would leave the hub.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadMappingSet } from '../../app/mapping-files';
import type { MappingSet } from '../../mappings';
import { canonicalCase, type RepatriationData } from './case-file';

const EXAMPLE = JSON.parse(readFileSync(path.join(__dirname, '../../docs/examples/remains-repatriation.json'), 'utf8')) as { data: RepatriationData };
const sha256 = (b64: string) => createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');
const REFERENCE = 'REP-MAD-2026-000001';

let mappings: MappingSet;
beforeAll(async () => { mappings = await loadMappingSet(); });

function sent(mapping: string, audience: 'interior' | 'health' | 'dgsn'): string {
  const result = mappings.find(mapping)?.map(canonicalCase(REFERENCE, EXAMPLE.data, sha256, audience));
  if (!result?.ok) throw new Error(`${mapping} did not map: ${JSON.stringify(result)}`);
  return JSON.stringify(result.value);
}

const d = EXAMPLE.data;
const content = (type: string) => d.documents.find((doc) => doc.type === type)?.content as string;

describe('what leaves the hub for each agency', () => {
  it('Health: the cause of death and the pieces\' digests, never the CNIE, the parents, the burial, the escorts or the file contents', () => {
    const health = sent('health/clearance-request.out', 'health');
    expect(health).toContain(d.death.cause.icd10 as string);
    expect(health).toContain(sha256(content('death-certificate')));
    for (const absent of [d.deceased.cnie, d.deceased.motherFullName, d.burial.communeCode, d.burial.familyContact.phone, 'XA1234567', d.costCoverage.policyNumber, content('death-act')]) {
      expect(health).not.toContain(absent);
    }
  });

  it('Interior: no medical data (no cause, no contagion, no medical certificate), no escorts, no coverage', () => {
    const interior = sent('interior/burial-authorisation.out', 'interior');
    expect(interior).toContain(d.deceased.cnie);
    expect(interior).toContain(content('death-act'));
    for (const absent of [d.death.cause.icd10, 'contagious', content('death-certificate'), sha256(content('death-certificate')), 'XA1234567', d.costCoverage.policyNumber, d.coffin.seal]) {
      expect(interior).not.toContain(absent);
    }
  });

  it('Interior death transcription: the deceased, the death and the acts; nothing of the burial, the arrival, the transport or the operator, no medical data', () => {
    const transcription = sent('interior/death-transcription.out', 'interior');
    expect(transcription).toContain(d.deceased.cnie);
    expect(transcription).toContain(content('death-act'));
    for (const absent of [d.death.cause.icd10, 'contagious', content('death-certificate'), sha256(content('death-certificate')), d.coffin.seal, d.burial.communeCode,
      d.burial.cemetery, d.burial.familyContact.phone, d.transport.borderPost, d.transport.flightOrVoyage, 'XA1234567', '14/01/2027', d.funeralOperator.name, d.costCoverage.policyNumber]) {
      expect(transcription).not.toContain(absent);
    }
  });

  it('Interior civil-status extract: the act\'s reference only, whatever else the payload holds', () => {
    const act = { communeCode: '351041', year: 1948, actNumber: '214', actType: 'birth' };
    const result = mappings.find('interior/civil-status-extract.out')?.map({ caseReference: REFERENCE, act, applicant: { familyName: 'ALAOUI', givenNames: 'Hassan' }, deceased: { cnie: d.deceased.cnie } });
    expect(result).toEqual({ ok: true, value: { act: { ...act, actType: 'BIRTH' } } });
  });

  it('DGSN: the identity and the transport, nothing of the death, the burial or the pieces', () => {
    const dgsn = sent('dgsn/transport-notification.out', 'dgsn');
    expect(dgsn).toContain('XA1234567');
    expect(dgsn).toContain('LPM-REP-MAD-2026-000001');
    for (const absent of [d.death.cause.icd10, d.death.city, d.burial.communeCode, d.deceased.familyNameAr, d.deceased.motherFullName, d.coffin.seal, content('death-act'), d.costCoverage.policyNumber]) {
      expect(dgsn).not.toContain(absent);
    }
  });
});
