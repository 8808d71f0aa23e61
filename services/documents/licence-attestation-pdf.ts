/**
 * The driving-licence authentication attestation, as a PDF. Pure: input in, bytes out, no file or
 * network access (the PDF stream is collected in memory).
 *
 * Arabic: the standard PDF fonts (Helvetica…) have no Arabic glyphs, so Arabic text set in them
 * comes out as garbage; and no Arabic font ships with pdfkit. The Arabic lines (the holder's
 * civil-status names, the Arabic title) are therefore drawn only when the caller passes the bytes of a
 * font that has Arabic glyphs (`options.arabicFont`, e.g. Noto Naskh Arabic or Amiri), read once at
 * start outside services/ (which does no I/O). pdfkit's font engine (fontkit) then shapes the letters
 * and lays the run right to left; each Arabic value is drawn on its own, never mixed with Latin text
 * in one run, since pdfkit does no bidirectional reordering.
 */
import PDFDocument from 'pdfkit';
import { HubError, type FieldError } from '../../broker/errors';

export interface LicenceAttestationInput {
  attestationNumber: string;
  /** When the attestation is issued, ISO 8601. */
  issuedAt: string;
  /** The issuing consular post; with its IANA time zone, the issue date is the post's local date (UTC otherwise). */
  post: { code: string; name: string; timeZone?: string };
  holder: { familyName: string; givenNames: string; familyNameAr?: string; givenNamesAr?: string; birthDate: string };
  /** `status` is a canonical licence-verification outcome (`valid`, `suspended`…). */
  licence: { number: string; categories: string[]; issuedOn?: string; expiresOn?: string; status: string };
  /** `reference`: the NARSA verification reference (the message id of the verification exchange). */
  verification: { reference: string; verifiedAt: string };
  /** ISO 3166 alpha-2 code (shown with its name) or a country name. */
  destinationCountry: string;
  purpose: string;
}

export interface LicenceAttestationOptions {
  /** TrueType/OpenType font with Arabic glyphs; without it the Arabic lines are left out (see above). */
  arabicFont?: Uint8Array;
  /** Compress page content (default true). Tests turn it off to read the text. */
  compress?: boolean;
}

const ARABIC_FONT = 'arabic';
const MARGIN = 56;
const VALUE_X = MARGIN + 200;

const STATUS_LABELS: Record<string, string> = {
  valid: 'Valide / Valid',
  suspended: 'Suspendu / Suspended',
  cancelled: 'Annulé / Cancelled',
  expired: 'Expiré / Expired',
  replaced: 'Remplacé / Replaced',
  'not-found': 'Inconnu / Not found',
  'holder-mismatch': 'Titulaire non conforme / Holder mismatch',
};

export async function renderLicenceAttestation(input: LicenceAttestationInput, options: LicenceAttestationOptions = {}): Promise<Buffer> {
  checkInput(input);
  const issuedAt = new Date(input.issuedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress ?? true,
    lang: 'fr-FR',
    displayTitle: true,
    // CreationDate from the input, not the clock: the same attestation always renders to the same bytes.
    info: {
      Title: `Attestation d'authenticité de permis de conduire ${input.attestationNumber}`,
      Subject: `Attestation ${input.attestationNumber} — vérification ${input.verification.reference}`,
      Author: `${input.post.name} (${input.post.code})`,
      Keywords: `attestation ${input.attestationNumber} ${input.verification.reference}`,
      CreationDate: issuedAt,
    },
  });
  const bytes = collect(doc);
  if (options.arabicFont) doc.registerFont(ARABIC_FONT, Buffer.from(options.arabicFont));
  draw(doc, input, issuedAt, options.arabicFont !== undefined);
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

function checkInput(input: LicenceAttestationInput): void {
  const errors: FieldError[] = [];
  const required: Array<[string, string]> = [
    ['/attestationNumber', input.attestationNumber], ['/post/code', input.post.code], ['/post/name', input.post.name],
    ['/holder/familyName', input.holder.familyName], ['/holder/givenNames', input.holder.givenNames],
    ['/licence/number', input.licence.number], ['/verification/reference', input.verification.reference],
  ];
  for (const [path, value] of required) if (!value) errors.push({ path, message: 'is required' });
  if (Number.isNaN(Date.parse(input.issuedAt))) errors.push({ path: '/issuedAt', message: 'must be an ISO 8601 date-time' });
  if (Number.isNaN(Date.parse(input.verification.verifiedAt))) errors.push({ path: '/verification/verifiedAt', message: 'must be an ISO 8601 date-time' });
  if (errors.length > 0) throw new HubError('VALIDATION_FAILED', 'the attestation cannot be rendered', { errors });
}

function draw(doc: PDFKit.PDFDocument, input: LicenceAttestationInput, issuedAt: Date, withArabic: boolean): void {
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica').fontSize(9).fillColor('#555555')
    .text(`Services consulaires — ${input.post.name} (${input.post.code})`, MARGIN, MARGIN, { width });
  doc.moveDown(2);
  doc.font('Helvetica-Bold').fontSize(16).fillColor('black').text("Attestation d'authenticité de permis de conduire", { width, align: 'center' });
  doc.font('Helvetica').fontSize(11).fillColor('#333333').text('Driving licence authenticity certificate', { width, align: 'center' });
  if (withArabic) doc.font(ARABIC_FONT).fontSize(13).text('شهادة التحقق من صحة رخصة السياقة', { width, align: 'center' });
  doc.moveDown(1);
  doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(`N° ${input.attestationNumber}`, { width, align: 'center' });
  doc.moveDown(1.5);

  section(doc, 'Titulaire / Holder');
  row(doc, 'Nom / Family name', input.holder.familyName);
  row(doc, 'Prénoms / Given names', input.holder.givenNames);
  if (withArabic && input.holder.familyNameAr) row(doc, 'Nom (arabe) / Family name (Arabic)', input.holder.familyNameAr, ARABIC_FONT);
  if (withArabic && input.holder.givenNamesAr) row(doc, 'Prénoms (arabe) / Given names (Arabic)', input.holder.givenNamesAr, ARABIC_FONT);
  row(doc, 'Date de naissance / Date of birth', displayDate(input.holder.birthDate));

  section(doc, 'Permis de conduire / Driving licence');
  row(doc, 'Numéro / Number', input.licence.number);
  row(doc, 'Catégories / Categories', input.licence.categories.join(', ') || '—');
  if (input.licence.issuedOn) row(doc, 'Délivré le / Issued on', displayDate(input.licence.issuedOn));
  if (input.licence.expiresOn) row(doc, "Valable jusqu'au / Valid until", displayDate(input.licence.expiresOn));
  row(doc, 'Statut / Status', STATUS_LABELS[input.licence.status] ?? input.licence.status);

  section(doc, "Vérification auprès de l'autorité de délivrance / Verification with the issuing authority");
  row(doc, 'Référence / Reference', input.verification.reference);
  row(doc, 'Vérifié le / Verified on', displayDateTimeUtc(input.verification.verifiedAt));

  section(doc, 'Usage / Intended use');
  row(doc, 'Pays de destination / Destination country', displayCountry(input.destinationCountry));
  row(doc, 'Motif / Purpose', input.purpose);

  doc.moveDown(1.5);
  doc.font('Helvetica').fontSize(9).fillColor('#333333').text(
    `Le consulat atteste que le permis de conduire ci-dessus a été vérifié en ligne auprès de l'autorité qui l'a délivré ` +
      `(NARSA), sous la référence ${input.verification.reference}. La présente attestation ne vaut pas permis de conduire.`,
    MARGIN, doc.y, { width },
  );
  doc.moveDown(0.5);
  doc.text(
    'The consulate certifies that the driving licence above was verified online with the authority that issued it (NARSA). ' +
      'This certificate is not a driving licence.',
    { width },
  );
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(10).fillColor('black')
    .text(`Délivrée le / Issued on ${displayIssueDate(issuedAt, input.post.timeZone)} — ${input.post.name}`, { width });
}

function section(doc: PDFKit.PDFDocument, title: string): void {
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(title, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.3);
}

/** A label on the left and its value on the right, on one line or wrapped in the value column. */
function row(doc: PDFKit.PDFDocument, label: string, value: string, valueFont = 'Helvetica'): void {
  const top = doc.y;
  const valueWidth = doc.page.width - MARGIN - VALUE_X;
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text(label, MARGIN, top, { width: VALUE_X - MARGIN - 10 });
  const labelBottom = doc.y;
  // Arabic values are right-aligned in their column: the reading direction starts there.
  doc.font(valueFont).fontSize(10.5).fillColor('black')
    .text(value, VALUE_X, top, { width: valueWidth, align: valueFont === ARABIC_FONT ? 'right' : 'left' });
  doc.y = Math.max(doc.y, labelBottom) + 3;
  doc.x = MARGIN;
}

/** `yyyy-MM-dd` → `dd/MM/yyyy`; anything else is shown as given rather than guessed at. */
function displayDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

function displayDateTimeUtc(value: string): string {
  const iso = new Date(value).toISOString();
  return `${displayDate(iso.slice(0, 10))} ${iso.slice(11, 16)} UTC`;
}

/** The issue date as the post's local date, since that is the date the agent and the citizen see. */
function displayIssueDate(issuedAt: Date, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('fr-FR', { timeZone: timeZone ?? 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(issuedAt);
  } catch {
    // An unknown time zone must not stop the document: fall back to the UTC date.
    return displayDate(issuedAt.toISOString().slice(0, 10));
  }
}

function displayCountry(value: string): string {
  if (!/^[A-Z]{2}$/.test(value)) return value;
  const names = new Intl.DisplayNames(['fr'], { type: 'region', fallback: 'none' }).of(value);
  return names ? `${names} (${value})` : value;
}
