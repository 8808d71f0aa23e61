/**
 * The nightly VERIF file (narsa.md, "Bulk verification"): root `LicenceVerificationBatch` in `urn:ma:narsa:licence:1`
 * with `batchId` and `count`, one `Request` per licence. Written as a stream (up to 200,000 requests a file): the
 * header, then each `Request` built by fast-xml-parser's XMLBuilder (it escapes text and attributes), then the end.
 */
import { XMLBuilder } from 'fast-xml-parser';

export const NARSA_NAMESPACE = 'urn:ma:narsa:licence:1';

/** One `Request`, as the `narsa/bulk-verification.out` mapping produces it (its partner schema is closed). */
export interface VerificationRecord {
  RequestId: string;
  LicenceNumber: string;
  Holder: { Cnie: string; LastName: string; FirstName: string; LastNameAr?: string; BirthDate: string };
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: false, suppressEmptyNode: false });

/** Elements in the contract's order, whatever order the mapping's output has; `seq` is the position in the file. */
function inContractOrder(seq: number, r: VerificationRecord): Record<string, unknown> {
  const h = r.Holder;
  return {
    '@seq': String(seq), RequestId: r.RequestId, LicenceNumber: r.LicenceNumber,
    Holder: { Cnie: h.Cnie, LastName: h.LastName, FirstName: h.FirstName, ...(h.LastNameAr === undefined ? {} : { LastNameAr: h.LastNameAr }), BirthDate: h.BirthDate },
  };
}

export function requestElement(seq: number, record: VerificationRecord): string {
  return builder.build({ Request: inContractOrder(seq, record) }) as string;
}

export function batchHeader(batchId: string, count: number): string {
  // The root stays open while the requests stream: its attributes are built (escaped) on an empty element and cut out.
  const attrs = (builder.build({ x: { '@batchId': batchId, '@count': String(count) } }) as string).replace(/^<x/, '').replace(/(\/>|><\/x>)$/, '');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<LicenceVerificationBatch xmlns="${NARSA_NAMESPACE}"${attrs}>\n`;
}

export const BATCH_FOOTER = '</LicenceVerificationBatch>\n';

/** The whole file as a stream of strings: header, one line per request (numbered from 1), footer. */
export async function* verificationFile(batchId: string, count: number, records: AsyncIterable<VerificationRecord>): AsyncGenerator<string> {
  yield batchHeader(batchId, count);
  let written = 0;
  for await (const record of records) {
    written += 1;
    yield `${requestElement(written, record)}\n`;
  }
  // The count is in the header, written first: a different number of records would be a file NARSA cannot trust.
  if (written !== count) throw new Error(`the VERIF file announced ${count} requests and ${written} were rendered`);
  yield BATCH_FOOTER;
}
