import { XMLParser } from 'fast-xml-parser';
import { checkAttestations } from '../../sandbox/narsa/sftp/night';
import { loadMappingSet } from '../mapping-files';
import type { MappingSet } from '../../mappings';
import { attestationCsv } from './attestation-csv';
import { attestationNoticeName, dayBounds, daysFrom, narsaDay, verificationFileName } from './calendar';
import { mappingInput, BULK_VERIFICATION_MAPPING } from './verification-file';
import { verificationFile, type VerificationRecord } from './verification-xml';
import { ATTESTATION_NOTICE_MAPPING } from './attestation-notice';

const amina = {
  id: '5d1c2a7e-0b7a-4d5e-9f61-2a1b3c4d5e01',
  data: { licenceNumber: '12/345678', holder: { cnie: 'BK123456', familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12' },
    purpose: 'licence-exchange', destinationCountry: 'FRA', urgency: 'standard' },
  applicant: { familyName: 'EL FASSI', givenNames: 'Amina', familyNameAr: 'الفاسي', birthDate: '1990-04-12', cnie: 'BK123456',
    email: 'amina@example.org', phone: '+33 6 12 34 56 78', address: { line1: '12 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FRA' } },
};

async function collect(source: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of source) text += piece;
  return text;
}

async function* from<T>(items: T[]): AsyncGenerator<T> { for (const item of items) yield item; }

let mappings: MappingSet;
beforeAll(async () => { mappings = await loadMappingSet(); });

describe('NARSA batch file names and days', () => {
  it('names the VERIF file by post, Casablanca day and three-digit sequence', () => {
    expect(verificationFileName('CG-PARIS', '2026-11-27', 1)).toBe('VERIF_CG-PARIS_20261127_001.xml');
    expect(verificationFileName('CG-BRUXELLES', '2026-11-27', 12)).toBe('VERIF_CG-BRUXELLES_20261127_012.xml');
    expect(() => verificationFileName('CG-PARIS', '2026-11-27', 1000)).toThrow(/001–999/);
    expect(() => verificationFileName('cg_paris', '2026-11-27', 1)).toThrow(/pattern/);
    expect(attestationNoticeName('2026-11-27')).toBe('ATTEST_20261127.csv');
  });

  it('takes the day in Africa/Casablanca, not UTC', () => {
    // 23:30 UTC on 27 November is 00:30 on the 28th in Casablanca (UTC+1).
    expect(narsaDay(new Date('2026-11-27T23:30:00Z'))).toBe('2026-11-28');
    expect(narsaDay(new Date('2026-11-27T22:30:00Z'))).toBe('2026-11-27');
    expect(dayBounds('2026-11-28')).toEqual({ from: new Date('2026-11-27T23:00:00Z'), to: new Date('2026-11-28T23:00:00Z') });
    expect(daysFrom('2026-11-29', '2026-12-01')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(daysFrom('2026-12-02', '2026-12-01')).toEqual([]);
  });
});

describe('the VERIF file', () => {
  const render = async (records: VerificationRecord[]): Promise<string> => collect(verificationFile('VERIF_CG-PARIS_20261127_001', records.length, from(records)));
  const mapped = (request: { id: string; data: Record<string, unknown>; applicant: Record<string, unknown> }): VerificationRecord => {
    const result = mappings.find(BULK_VERIFICATION_MAPPING)!.map(mappingInput(request.id, request.data, request.applicant));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.value as VerificationRecord;
  };

  it('is a LicenceVerificationBatch in NARSA\'s namespace with batchId, count and numbered requests', async () => {
    const youssef = { ...amina, id: '5d1c2a7e-0b7a-4d5e-9f61-2a1b3c4d5e02', applicant: { familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-03' },
      data: { ...amina.data, licenceNumber: '07/112233', holder: { cnie: 'AB987654', familyName: 'BENANI', givenNames: 'Youssef', birthDate: '1975-11-03' } } };
    const xml = await render([mapped(amina), mapped(youssef)]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<LicenceVerificationBatch xmlns="urn:ma:narsa:licence:1" batchId="VERIF_CG-PARIS_20261127_001" count="2">')).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => name === 'Request' }).parse(xml);
    const requests = doc.LicenceVerificationBatch.Request;
    expect(requests).toEqual([
      { '@seq': '1', RequestId: amina.id, LicenceNumber: '12/345678', Holder: { Cnie: 'BK123456', LastName: 'EL FASSI', FirstName: 'Amina', LastNameAr: 'الفاسي', BirthDate: '1990-04-12' } },
      { '@seq': '2', RequestId: youssef.id, LicenceNumber: '07/112233', Holder: { Cnie: 'AB987654', LastName: 'BENANI', FirstName: 'Youssef', BirthDate: '1975-11-03' } },
    ]);
  });

  it('never carries what NARSA does not need: contact details, address, purpose, destination, urgency', async () => {
    const xml = await render([mapped(amina)]);
    for (const secret of ['amina@example.org', '+33 6 12 34 56 78', 'rue de la Paix', 'Paris', '75002', 'licence-exchange', 'FRA', 'standard', 'Amina</LastName']) {
      expect(xml).not.toContain(secret);
    }
    expect(xml).toContain('<FirstName>Amina</FirstName>');
  });

  it('escapes what XML would misread', async () => {
    const xml = await render([{ RequestId: 'r-1', LicenceNumber: '1', Holder: { Cnie: 'A1234', LastName: 'D\'<&>"', FirstName: 'X', BirthDate: '2000-01-01' } }]);
    expect(xml).toContain('<LastName>D&apos;&lt;&amp;&gt;&quot;</LastName>');
  });

  it('refuses to finish a file whose request count differs from the header', async () => {
    await expect(collect(verificationFile('B', 2, from([mapped(amina)])))).rejects.toThrow(/announced 2 requests and 1/);
  });
});

describe('the ATTEST notice', () => {
  it('is UTF-8 with BOM, ; separated, CRLF, the contract header, as NARSA checks it', () => {
    const row = mappings.find(ATTESTATION_NOTICE_MAPPING)!.map({ attestationNumber: 'ATT-LIC-PAR-2026-000001', issuedOn: '2026-11-27', data: amina.data,
      results: { licenceVerification: { outcome: 'valid', licenceNumber: '12/345678' } } });
    if (!row.ok) throw new Error(JSON.stringify(row.errors));
    const csv = attestationCsv([row.value as never]);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8').slice(1)).toBe('numero_attestation;numero_permis;cnie;pays_destination;date_emission\r\nATT-LIC-PAR-2026-000001;12/345678;BK123456;FRA;2026-11-27\r\n');
    // The sandbox agency's own reading of the contract finds nothing wrong.
    expect(checkAttestations(csv)).toEqual({ rows: 1, problems: [] });
    expect(checkAttestations(attestationCsv([]))).toEqual({ rows: 0, problems: [] });
  });

  it('refuses a value holding the separator rather than shift the columns', () => {
    expect(() => attestationCsv([{ numero_attestation: 'A;B', numero_permis: '1', cnie: 'A1234', pays_destination: 'FRA', date_emission: '2026-11-27' }])).toThrow(/numero_attestation/);
  });
});
