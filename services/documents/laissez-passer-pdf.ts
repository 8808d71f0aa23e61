/**
 * The mortuary laissez-passer (laissez-passer mortuaire), as a PDF, with the fields of the model annexed to the
 * Council of Europe Agreement on the Transfer of Corpses (Strasbourg, 26 October 1973): the issuing authority, the
 * deceased (name, date and place of birth, date and place of death), the coffin, the transport (mode, carrier,
 * departure, border post and expected arrival), the destination (commune of burial), and the issuing post, date
 * and number. Pure: input in, bytes out. Arabic: as in licence-attestation-pdf.ts, the Arabic names are drawn only
 * with a font that has Arabic glyphs (`options.arabicFont`).
 */
import PDFDocument from 'pdfkit';
import { HubError, type FieldError } from '../../broker/errors';

export interface LaissezPasserInput {
  number: string;
  /** When it is issued, ISO 8601. */
  issuedAt: string;
  post: { code: string; name: string; timeZone?: string };
  deceased: { familyName: string; givenNames: string; familyNameAr?: string; givenNamesAr?: string; birthDate: string; birthPlace: string; sex?: string };
  death: { date: string; place: string };
  coffin: { hermetic: boolean; seal: string; closedOn: string };
  transport: { mode: string; carrier: string; flightOrVoyage: string; departureAt: string; borderPost: string; expectedArrivalAt: string; escorts: string[] };
  destination: { commune: string; cemetery?: string; country: string };
  /** The clearances the laissez-passer rests on (agency, reference), printed so a border officer can check them. */
  clearances: Array<{ agency: string; reference: string }>;
}

export interface LaissezPasserOptions { arabicFont?: Uint8Array; compress?: boolean }

const ARABIC_FONT = 'arabic';
const MARGIN = 50;
const VALUE_X = MARGIN + 210;
const MODES: Record<string, string> = { air: 'Aérien / By air', sea: 'Maritime / By sea', road: 'Routier / By road' };

export async function renderLaissezPasser(input: LaissezPasserInput, options: LaissezPasserOptions = {}): Promise<Buffer> {
  checkInput(input);
  const issuedAt = new Date(input.issuedAt);
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, compress: options.compress ?? true, lang: 'fr-FR', displayTitle: true,
    info: { Title: `Laissez-passer mortuaire ${input.number}`, Author: `${input.post.name} (${input.post.code})`, Keywords: `laissez-passer ${input.number}`, CreationDate: issuedAt },
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

function checkInput(input: LaissezPasserInput): void {
  const errors: FieldError[] = [];
  const required: Array<[string, string]> = [
    ['/number', input.number], ['/post/name', input.post.name], ['/deceased/familyName', input.deceased.familyName],
    ['/deceased/givenNames', input.deceased.givenNames], ['/death/date', input.death.date], ['/death/place', input.death.place],
    ['/transport/borderPost', input.transport.borderPost], ['/destination/commune', input.destination.commune],
  ];
  for (const [path, value] of required) if (!value) errors.push({ path, message: 'is required' });
  for (const [path, value] of [['/issuedAt', input.issuedAt], ['/transport/expectedArrivalAt', input.transport.expectedArrivalAt]] as const) {
    if (Number.isNaN(Date.parse(value))) errors.push({ path, message: 'must be an ISO 8601 date-time' });
  }
  if (errors.length > 0) throw new HubError('VALIDATION_FAILED', 'the laissez-passer cannot be rendered', { errors });
}

function draw(doc: PDFKit.PDFDocument, input: LaissezPasserInput, issuedAt: Date, withArabic: boolean): void {
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text(`Autorité de délivrance / Issuing authority — ${input.post.name} (${input.post.code})`, MARGIN, MARGIN, { width });
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(16).fillColor('black').text('Laissez-passer mortuaire', { width, align: 'center' });
  doc.font('Helvetica').fontSize(11).fillColor('#333333').text('Mortuary laissez-passer — Accord de Strasbourg du 26 octobre 1973 / Strasbourg Agreement of 26 October 1973', { width, align: 'center' });
  if (withArabic) doc.font(ARABIC_FONT).fontSize(13).text('جواز مرور الجثمان', { width, align: 'center' });
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(`N° ${input.number}`, { width, align: 'center' });

  section(doc, '1. Défunt / Deceased');
  row(doc, 'Nom / Surname', input.deceased.familyName);
  row(doc, 'Prénoms / Forenames', input.deceased.givenNames);
  if (withArabic && input.deceased.familyNameAr) row(doc, 'Nom (arabe) / Surname (Arabic)', input.deceased.familyNameAr, ARABIC_FONT);
  if (withArabic && input.deceased.givenNamesAr) row(doc, 'Prénoms (arabe) / Forenames (Arabic)', input.deceased.givenNamesAr, ARABIC_FONT);
  row(doc, 'Date et lieu de naissance / Date and place of birth', `${displayDate(input.deceased.birthDate)} — ${input.deceased.birthPlace}`);
  row(doc, 'Date et lieu du décès / Date and place of death', `${displayDate(input.death.date)} — ${input.death.place}`);

  section(doc, '2. Cercueil / Coffin');
  row(doc, 'Hermétique / Hermetically sealed', input.coffin.hermetic ? 'Oui / Yes' : 'Non / No');
  row(doc, 'Scellé / Seal', `${input.coffin.seal} (${displayDate(input.coffin.closedOn)})`);

  section(doc, '3. Transport');
  row(doc, 'Mode / Means of transport', MODES[input.transport.mode] ?? input.transport.mode);
  row(doc, 'Transporteur, vol / Carrier, flight', `${input.transport.carrier} ${input.transport.flightOrVoyage}`);
  row(doc, 'Départ / Departure', displayDateTimeUtc(input.transport.departureAt));
  row(doc, "Poste frontière d'entrée / Border post of entry", input.transport.borderPost);
  row(doc, 'Arrivée prévue / Expected arrival', displayDateTimeUtc(input.transport.expectedArrivalAt));
  if (input.transport.escorts.length > 0) row(doc, 'Accompagné par / Escorted by', input.transport.escorts.join(', '));

  section(doc, '4. Destination');
  row(doc, "Lieu d'inhumation / Place of burial", [input.destination.commune, input.destination.cemetery, input.destination.country].filter(Boolean).join(' — '));

  section(doc, '5. Autorisations / Clearances');
  for (const c of input.clearances) row(doc, c.agency, c.reference);

  doc.moveDown(1.2);
  doc.font('Helvetica').fontSize(9).fillColor('#333333').text(
    'Le présent laissez-passer autorise le transport de la dépouille ci-dessus désignée jusqu\'au lieu d\'inhumation. ' +
      'This laissez-passer authorises the transport of the remains described above to the place of burial.', MARGIN, doc.y, { width });
  doc.moveDown(1.2);
  doc.font('Helvetica-Bold').fontSize(10).fillColor('black')
    .text(`Délivré le / Issued on ${displayIssueDate(issuedAt, input.post.timeZone)} — ${input.post.name} (${input.post.code})`, { width });
}

function section(doc: PDFKit.PDFDocument, title: string): void {
  doc.moveDown(0.7);
  doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(title, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.3);
}

function row(doc: PDFKit.PDFDocument, label: string, value: string, valueFont = 'Helvetica'): void {
  const top = doc.y;
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text(label, MARGIN, top, { width: VALUE_X - MARGIN - 10 });
  const labelBottom = doc.y;
  doc.font(valueFont).fontSize(10.5).fillColor('black')
    .text(value, VALUE_X, top, { width: doc.page.width - MARGIN - VALUE_X, align: valueFont === ARABIC_FONT ? 'right' : 'left' });
  doc.y = Math.max(doc.y, labelBottom) + 3;
  doc.x = MARGIN;
}

function displayDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

function displayDateTimeUtc(value: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) return value;
  const iso = new Date(t).toISOString();
  return `${displayDate(iso.slice(0, 10))} ${iso.slice(11, 16)} UTC`;
}

function displayIssueDate(issuedAt: Date, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('fr-FR', { timeZone: timeZone ?? 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(issuedAt);
  } catch {
    return displayDate(issuedAt.toISOString().slice(0, 10));
  }
}
