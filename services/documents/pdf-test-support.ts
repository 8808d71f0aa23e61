/**
 * Reading back what a renderer drew, for the tests of the documents (render with `compress: false`). Not a PDF
 * parser: it reads the text operations pdfkit writes, which is what a reader of the document sees.
 */

/** Hex strings of the TJ arrays, as runs. `[^[\]]*` rather than a nested pattern: it stays linear over font data. */
function textRuns(pdf: Buffer): string[][] {
  return [...pdf.toString('latin1').matchAll(/\[([^[\]]*)\] TJ/g)].map(([, array]) => [...array.matchAll(/<([0-9a-f]*)>/gi)].map(([, hex]) => hex));
}

/**
 * The text drawn with the standard fonts, one line per text operation: pdfkit writes it as hex strings in TJ
 * arrays (split where kerning applies), in WinAnsi, which matches latin1 for our text.
 */
export function drawnText(pdf: Buffer): string {
  return textRuns(pdf).map((run) => run.map((hex) => Buffer.from(hex, 'hex').toString('latin1')).join('')).join('\n');
}

/**
 * The runs drawn with an embedded font (the Arabic one): 4-hex-digit glyph ids, mapped back to characters with the
 * font's ToUnicode CMap (pdfkit writes it as bfranges of consecutive subset glyph ids). The glyphs are laid out left
 * to right on the page, so a right-to-left run reads reversed here.
 */
export function drawnGlyphRuns(pdf: Buffer): string[] {
  const toUnicode = new Map<number, string>();
  for (const [, start, entries] of pdf.toString('latin1').matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi)) {
    [...entries.matchAll(/<([0-9a-f ]+)>/gi)].forEach(([, units], i) => {
      toUnicode.set(parseInt(start, 16) + i, String.fromCharCode(...units.split(' ').map((u) => parseInt(u, 16))));
    });
  }
  return textRuns(pdf).map((run) => run.flatMap((hex) => hex.match(/.{4}/g) ?? []).map((id) => toUnicode.get(parseInt(id, 16)) ?? '').join(''));
}

/** Whether a font is embedded (the standard fonts never are). */
export function embedsAFont(pdf: Buffer): boolean {
  return pdf.toString('latin1').includes('/FontFile2');
}

/** A string of the document info dictionary: an indirect object, a literal holding UTF-16BE (with BOM) or PDFDocEncoding. */
export function infoEntry(pdf: Buffer, key: string): string | undefined {
  const raw = pdf.toString('latin1');
  const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(raw)?.[1];
  const literal = ref && new RegExp(`\\n${ref} 0 obj\\n\\(([\\s\\S]*?)\\)\\nendobj`).exec(raw)?.[1];
  if (!literal) return undefined;
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
  const bytes = Buffer.from(literal.replace(/\\([nrtbf()\\])/g, (_m, c: string) => escapes[c] ?? c), 'latin1');
  return bytes[0] === 0xfe && bytes[1] === 0xff ? bytes.subarray(2).swap16().toString('utf16le') : bytes.toString('latin1');
}

/** The Arabic font the hub ships (app/document-fonts.ts, npm dependency dejavu-fonts-ttf): present wherever `npm ci` ran, so these tests always run. */
export const ARABIC_CAPABLE_FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
