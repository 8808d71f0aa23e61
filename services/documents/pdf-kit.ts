/**
 * What the consular documents share: the A4 document and its info, the collected bytes, the Arabic font, the
 * issuing-post header, the centred title block, sections of label/value rows, the closing note and sign-off line,
 * the display of dates and the input checks. Each renderer keeps only what is particular to its document (its
 * fields, its legal model, its wording and spacing, given as a `PdfLayout`). Pure: input in, bytes out, no file or
 * network access (the PDF stream is collected in memory; the font bytes are passed in).
 *
 * Arabic: the standard PDF fonts (Helvetica…) have no Arabic glyphs, so Arabic text set in them comes out as
 * garbage; and no Arabic font ships with pdfkit. The Arabic lines (civil-status names, the Arabic title) are
 * therefore drawn only when the caller passes the bytes of a font that has Arabic glyphs (`arabicFont`, e.g. DejaVu
 * Sans, Noto Naskh Arabic or Amiri), read once at start outside services/ (which does no I/O); without one they are
 * left out and the document stays readable in French and English. pdfkit's font engine (fontkit) shapes the letters
 * and lays the run right to left; each Arabic value is drawn on its own, never mixed with Latin text in one run,
 * since pdfkit does no bidirectional reordering.
 */
import PDFDocument from 'pdfkit';
import { HubError, type FieldError } from '../../broker/errors';

export interface PdfOptions {
  /** TrueType/OpenType font with Arabic glyphs; without it the Arabic lines are left out (see above). */
  arabicFont?: Uint8Array;
  /** Compress page content (default true). Tests turn it off to read the text. */
  compress?: boolean;
}

/** The document info. `CreationDate` comes from the input, never the clock: the same document renders to the same bytes. */
export type PdfInfo = PDFKit.DocumentInfo & { Title: string; Author: string; CreationDate: Date };

/** The spacing a document keeps (sizes in points, gaps in lines). */
export interface PdfLayout {
  margin: number;
  /** Where the value column of a field row starts, from the left edge of the page. */
  valueX: number;
  sectionGap: number;
  sectionSize: number;
  labelSize: number;
  valueSize: number;
}

export interface TitleBlock {
  title: string;
  subtitle: string;
  /** Drawn only with an Arabic font. */
  arabicTitle?: string;
  number: string;
  /** Lines between the header and the title. */
  gapBefore: number;
  titleSize?: number;
  subtitleSize?: number;
  numberSize?: number;
  /** Lines between the (Arabic) subtitle and the number; none when unset. */
  gapBeforeNumber?: number;
  /** Lines after the number; none when unset. */
  gapAfter?: number;
}

const ARABIC_FONT = 'arabic';
const LABEL_GREY = '#555555';
const TEXT_GREY = '#333333';

/** Lays out one document with `draw` and resolves to its bytes. */
export function renderPdf(layout: PdfLayout, info: PdfInfo, options: PdfOptions, draw: (page: DocumentPage) => void): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: layout.margin, compress: options.compress ?? true, lang: 'fr-FR', displayTitle: true, info });
  const bytes = collect(doc);
  if (options.arabicFont) doc.registerFont(ARABIC_FONT, Buffer.from(options.arabicFont));
  draw(new DocumentPage(doc, layout, options.arabicFont !== undefined));
  doc.end();
  return bytes;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** The page being drawn, top to bottom: each block starts at the left margin below the previous one. */
export class DocumentPage {
  constructor(private readonly doc: PDFKit.PDFDocument, private readonly layout: PdfLayout, readonly withArabic: boolean) {}

  private get width(): number {
    return this.doc.page.width - 2 * this.layout.margin;
  }

  /** The small grey line at the top, naming the issuing post. */
  header(text: string): void {
    const { margin } = this.layout;
    this.doc.font('Helvetica').fontSize(9).fillColor(LABEL_GREY).text(text, margin, margin, { width: this.width });
  }

  /** The centred title, its translation, the Arabic title when there is a font for it, and the document number. */
  title(block: TitleBlock): void {
    const doc = this.doc;
    const centred = { width: this.width, align: 'center' } as const;
    doc.moveDown(block.gapBefore);
    doc.font('Helvetica-Bold').fontSize(block.titleSize ?? 16).fillColor('black').text(block.title, centred);
    doc.font('Helvetica').fontSize(block.subtitleSize ?? 11).fillColor(TEXT_GREY).text(block.subtitle, centred);
    if (this.withArabic && block.arabicTitle) doc.font(ARABIC_FONT).fontSize(13).text(block.arabicTitle, centred);
    if (block.gapBeforeNumber) doc.moveDown(block.gapBeforeNumber);
    doc.font('Helvetica-Bold').fontSize(block.numberSize ?? 11).fillColor('black').text(`N° ${block.number}`, centred);
    if (block.gapAfter) doc.moveDown(block.gapAfter);
  }

  section(title: string): void {
    const { margin, sectionGap, sectionSize } = this.layout;
    this.doc.moveDown(sectionGap);
    this.doc.font('Helvetica-Bold').fontSize(sectionSize).fillColor('black').text(title, margin, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  /** A label on the left and its value on the right, on one line or wrapped in the value column. */
  row(label: string, value: string): void {
    this.field(label, value, 'Helvetica');
  }

  /** An Arabic value, drawn only with an Arabic font (left out otherwise, rather than drawn as garbage) and when there is one. */
  arabicRow(label: string, value: string | undefined): void {
    if (this.withArabic && value) this.field(label, value, ARABIC_FONT);
  }

  /** A paragraph across the page; `color` unset keeps the colour of the text before. */
  paragraph(text: string, style: { size: number; color?: string }): void {
    const doc = this.doc.font('Helvetica').fontSize(style.size);
    if (style.color) doc.fillColor(style.color);
    doc.text(text, this.layout.margin, doc.y, { width: this.width });
  }

  /** The small grey closing text (what the document certifies, what it is not), one paragraph per language. */
  note([first, ...others]: [string, ...string[]], gaps: { before: number; between?: number }): void {
    this.doc.moveDown(gaps.before);
    this.paragraph(first, { size: 9, color: TEXT_GREY });
    for (const text of others) {
      this.doc.moveDown(gaps.between ?? 0);
      this.doc.text(text, { width: this.width });
    }
  }

  /** The bold line with where, when and by whom the document is issued; `caption` below it in plain text. */
  signOff(line: string, options: { gapBefore: number; caption?: string }): void {
    this.doc.moveDown(options.gapBefore);
    this.doc.font('Helvetica-Bold').fontSize(10).fillColor('black').text(line, this.layout.margin, this.doc.y, { width: this.width });
    if (options.caption) this.doc.font('Helvetica').fontSize(9).text(options.caption, { width: this.width });
  }

  private field(label: string, value: string, valueFont: string): void {
    const doc = this.doc;
    const { margin, valueX, labelSize, valueSize } = this.layout;
    const top = doc.y;
    doc.font('Helvetica').fontSize(labelSize).fillColor(LABEL_GREY).text(label, margin, top, { width: valueX - margin - 10 });
    const labelBottom = doc.y;
    // Arabic values are right-aligned in their column: the reading direction starts there.
    doc.font(valueFont).fontSize(valueSize).fillColor('black')
      .text(value, valueX, top, { width: doc.page.width - margin - valueX, align: valueFont === ARABIC_FONT ? 'right' : 'left' });
    doc.y = Math.max(doc.y, labelBottom) + 3;
    doc.x = margin;
  }
}

/** A person as the civil-status documents name them. */
export interface CivilStatusNames { familyName: string; givenNames: string; familyNameAr?: string; givenNamesAr?: string; birthDate: string }

/** The "Holder" section opened with the holder's names (Latin, then Arabic when there is a font) and birth date; the caller adds its rows. */
export function holderSection(page: DocumentPage, holder: CivilStatusNames): void {
  page.section('Titulaire / Holder');
  page.row('Nom / Family name', holder.familyName);
  page.row('Prénoms / Given names', holder.givenNames);
  page.arabicRow('Nom (arabe) / Family name (Arabic)', holder.familyNameAr);
  page.arabicRow('Prénoms (arabe) / Given names (Arabic)', holder.givenNamesAr);
  page.row('Date de naissance / Date of birth', displayDate(holder.birthDate));
}

/** The issuing post as the documents name it: `Consulat général à Paris (CG-PARIS)`. */
export function postWithCode(post: { code: string; name: string }): string {
  return `${post.name} (${post.code})`;
}

/** `yyyy-MM-dd` → `dd/MM/yyyy`; anything else is shown as given rather than guessed at. */
export function displayDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

/** An instant as `dd/MM/yyyy HH:mm UTC`; anything that is not a date-time is shown as given. */
export function displayDateTimeUtc(value: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) return value;
  const iso = new Date(t).toISOString();
  return `${displayDate(iso.slice(0, 10))} ${iso.slice(11, 16)} UTC`;
}

/** The date at the post (its IANA time zone, UTC without one), since that is the date the agent and the citizen see. */
export function displayLocalDate(at: Date, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('fr-FR', { timeZone: timeZone ?? 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
  } catch {
    // An unknown time zone must not stop the document: fall back to the UTC date.
    return displayDate(at.toISOString().slice(0, 10));
  }
}

/** The input checks of a document: every error is collected, in order, then thrown at once naming the fields. */
export class FieldChecks {
  private readonly errors: FieldError[] = [];

  required(fields: Array<[path: string, value: string | undefined]>): this {
    for (const [path, value] of fields) if (!value) this.errors.push({ path, message: 'is required' });
    return this;
  }

  dateTime(path: string, value: string): this {
    if (Number.isNaN(Date.parse(value))) this.errors.push({ path, message: 'must be an ISO 8601 date-time' });
    return this;
  }

  date(path: string, value: string): this {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) this.errors.push({ path, message: 'must be a date yyyy-MM-dd' });
    return this;
  }

  /** A rule particular to the document. */
  check(ok: boolean, path: string, message: string): this {
    if (!ok) this.errors.push({ path, message });
    return this;
  }

  /** Throws VALIDATION_FAILED (`<document> cannot be rendered`) with the errors, if any. */
  throwIfAny(document: string): void {
    if (this.errors.length > 0) throw new HubError('VALIDATION_FAILED', `${document} cannot be rendered`, { errors: this.errors });
  }
}
