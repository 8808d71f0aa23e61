/**
 * The daily ATTEST notice (narsa.md, "Attestation notices"): UTF-8 with a byte-order mark, `;` separated, CRLF line
 * ends, the header `numero_attestation;numero_permis;cnie;pays_destination;date_emission`. The contract says nothing
 * of quoting, so nothing is quoted: the partner schema of a row (closed, patterns without `;`, `"` or line ends)
 * guarantees no value needs it, and this writer refuses one that would.
 */
export const ATTEST_COLUMNS = ['numero_attestation', 'numero_permis', 'cnie', 'pays_destination', 'date_emission'] as const;

export type AttestationRow = Record<(typeof ATTEST_COLUMNS)[number], string>;

const BOM = '\uFEFF';
const CRLF = '\r\n';
const UNSAFE = /[;"\r\n]/;

export function attestationCsv(rows: readonly AttestationRow[]): Buffer {
  const lines = [ATTEST_COLUMNS.join(';')];
  for (const row of rows) {
    lines.push(ATTEST_COLUMNS.map((column) => {
      const value = row[column];
      if (typeof value !== 'string' || UNSAFE.test(value)) throw new Error(`ATTEST row: ${column} is missing or holds a separator, a quote or a line end`);
      return value;
    }).join(';'));
  }
  return Buffer.from(BOM + lines.join(CRLF) + CRLF, 'utf8');
}
