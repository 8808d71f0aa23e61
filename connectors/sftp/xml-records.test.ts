import { HubError } from '../../broker/errors';
import { elementValue, serializeElement, streamXmlRecords, type XmlElement } from './xml-records';
import { readNarsaResult } from './narsa-results';

const NS = 'urn:ma:narsa:licence:1';

/** Chunks handed out one at a time, counting how many the reader has pulled. */
function pacedChunks(text: string, size: number): { chunks: AsyncIterable<Buffer>; pulled: () => number } {
  const bytes = Buffer.from(text, 'utf8');
  let pulled = 0;
  return {
    pulled: () => pulled,
    chunks: (async function* () {
      for (let offset = 0; offset < bytes.length; offset += size) {
        pulled += 1;
        yield bytes.subarray(offset, offset + size);
      }
    })(),
  };
}

async function records(text: string, chunkSize = 7, maxRecordChars = 10_000): Promise<XmlElement[]> {
  const out: XmlElement[] = [];
  const { chunks } = pacedChunks(text, chunkSize);
  await streamXmlRecords(chunks, { rootElement: 'LicenceVerificationResults', namespace: NS, recordElement: 'Result', maxRecordChars, what: 'test file', onRecord: async (e) => { out.push(e); } });
  return out;
}

const doc = (body: string): string => `<?xml version="1.0" encoding="UTF-8"?><LicenceVerificationResults xmlns="${NS}">${body}</LicenceVerificationResults>`;

describe('streamXmlRecords', () => {
  it('reads no further ahead than the record being delivered (back-pressure)', async () => {
    const body = Array.from({ length: 1000 }, (_, i) => `<Result><RequestId>r${i}</RequestId><Outcome>NOT_FOUND</Outcome></Result>`).join('');
    const paced = pacedChunks(doc(body), 256);
    const pulledAtRecord: number[] = [];
    await streamXmlRecords(paced.chunks, {
      rootElement: 'LicenceVerificationResults', namespace: NS, recordElement: 'Result', maxRecordChars: 1000, what: 'test',
      onRecord: async () => { pulledAtRecord.push(paced.pulled()); await Promise.resolve(); },
    });
    expect(pulledAtRecord).toHaveLength(1000);
    // When the first record is delivered, only the first chunk or so has been read of ~280.
    expect(pulledAtRecord[0]).toBeLessThanOrEqual(2);
    expect(pulledAtRecord[999]).toBeGreaterThan(200);
  });

  it('keeps multi-byte characters split across chunks, and skips a BOM', async () => {
    const [record] = await records(`\uFEFF${doc('<Result><RequestId>a</RequestId><Outcome>FOUND</Outcome><Licence><titulaire><nomArabe>الفاسي</nomArabe></titulaire></Licence></Result>')}`, 3);
    expect(elementValue(record)).toMatchObject({ Licence: { titulaire: { nomArabe: 'الفاسي' } } });
  });

  it.each([
    ['a DOCTYPE', `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]>${doc('').replace('<?xml version="1.0" encoding="UTF-8"?>', '')}`, 'DOCTYPE'],
    ['another root', '<Other xmlns="urn:ma:narsa:licence:1"/>', 'root'],
    ['another namespace', '<LicenceVerificationResults xmlns="urn:other"/>', 'root'],
    ['broken XML', doc('<Result><RequestId>a</Result>'), 'well-formed'],
    ['an empty file', '', 'root element'],
  ])('ends the file as PARTNER_BAD_RESPONSE for %s', async (_name, text, expected) => {
    const error = await records(text).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('PARTNER_BAD_RESPONSE');
    expect((error as HubError).message).toContain(expected);
  });

  it('ends the file when one record is larger than allowed', async () => {
    const error = await records(doc(`<Result><RequestId>${'x'.repeat(500)}</RequestId></Result>`), 64, 200).then(() => undefined, (e: unknown) => e);
    expect((error as HubError).code).toBe('PARTNER_BAD_RESPONSE');
    expect((error as HubError).message).not.toContain('xxxx');
  });

  it('serialises a record back to XML for the quarantine', async () => {
    const [record] = await records(doc('<Result><RequestId>a&amp;b</RequestId><Outcome>?</Outcome></Result>'));
    expect(serializeElement(record)).toBe('<Result><RequestId>a&amp;b</RequestId><Outcome>?</Outcome></Result>');
  });
});

describe('readNarsaResult', () => {
  async function read(result: string): Promise<ReturnType<typeof readNarsaResult>> {
    const [record] = await records(doc(result));
    return readNarsaResult(record);
  }

  it('reads FOUND with its licence, lists staying lists', async () => {
    const reading = await read('<Result><RequestId>r1</RequestId><Outcome>FOUND</Outcome><Licence><numero>12/345678</numero><titulaire><cnie>BK123456</cnie></titulaire><statut>VALIDE</statut>'
      + '<categories><categorie><code>B</code><restrictions/></categorie></categories></Licence></Result>');
    expect(reading).toEqual({ ok: true, record: { requestId: 'r1', outcome: 'FOUND', licence: { numero: '12/345678', titulaire: { cnie: 'BK123456' }, statut: 'VALIDE', categories: [{ code: 'B', restrictions: [] }] } } });
  });

  it.each([
    ['<Result><Outcome>NOT_FOUND</Outcome></Result>', 'RequestId is missing'],
    ['<Result><RequestId>r</RequestId><Outcome>MAYBE</Outcome></Result>', 'Outcome is not FOUND, NOT_FOUND or MISMATCH'],
    ['<Result><RequestId>r</RequestId><Outcome>FOUND</Outcome></Result>', 'Licence is missing with Outcome FOUND'],
    ['<Result><RequestId>r</RequestId><Outcome>FOUND</Outcome><Licence><numero>1</numero></Licence></Result>', 'Licence.statut is missing'],
    ['<Result><RequestId>r</RequestId><Outcome>NOT_FOUND</Outcome><Extra>BK123456</Extra></Result>', 'unknown element(s): Extra'],
  ])('quarantines %s with a reason naming the rule', async (xml, reason) => {
    const reading = await read(xml);
    expect(reading).toMatchObject({ ok: false, reason });
    expect(JSON.stringify(reading)).not.toContain('BK123456');
  });
});
