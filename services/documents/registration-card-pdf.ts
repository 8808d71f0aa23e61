/**
 * The consular registration card, as a PDF. Pure: input in, bytes out (the stream is collected in memory).
 * Arabic lines are drawn only with a caller-supplied font that has Arabic glyphs, each value on its own run
 * (see licence-attestation-pdf.ts for why: standard PDF fonts have no Arabic, pdfkit does no bidi reordering).
 */
import PDFDocument from 'pdfkit';
import { HubError, type FieldError } from '../../broker/errors';

export interface RegistrationCardInput {
  /** The registration number: the person's, kept across posts and renewals. */
  number: string;
  /** When the card is issued, ISO 8601. */
  issuedAt: string;
  post: { code: string; name: string; timeZone?: string };
  person: { cnie: string; familyName: string; givenNames: string; familyNameAr?: string; givenNamesAr?: string; birthDate: string };
  residence: { line1: string; line2?: string; postalCode?: string; city: string; region?: string; country: string };
  household: Array<{ relationship: string; familyName: string; givenNames: string; birthDate: string }>;
  profession?: string;
  registeredOn: string;
  validUntil: string;
}

export interface RegistrationCardOptions {
  arabicFont?: Uint8Array;
  /** Compress page content (default true). Tests turn it off to read the text. */
  compress?: boolean;
}

const ARABIC_FONT = 'arabic';
const MARGIN = 56;
const VALUE_X = MARGIN + 200;
const RELATIONSHIPS: Record<string, string> = { spouse: 'Conjoint / Spouse', child: 'Enfant / Child', parent: 'Parent / Parent', other: 'Autre / Other' };

export async function renderRegistrationCard(input: RegistrationCardInput, options: RegistrationCardOptions = {}): Promise<Buffer> {
  checkInput(input);
  const issuedAt = new Date(input.issuedAt);
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, compress: options.compress ?? true, lang: 'fr-FR', displayTitle: true,
    // CreationDate from the input, not the clock: the same card always renders to the same bytes.
    info: { Title: `Carte d'immatriculation consulaire ${input.number}`, Subject: `Immatriculation ${input.number}`,
      Author: `${input.post.name} (${input.post.code})`, Keywords: `immatriculation ${input.number}`, CreationDate: issuedAt },
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

function checkInput(input: RegistrationCardInput): void {
  const errors: FieldError[] = [];
  const required: Array<[string, string | undefined]> = [
    ['/number', input.number], ['/post/code', input.post.code], ['/post/name', input.post.name], ['/person/cnie', input.person.cnie],
    ['/person/familyName', input.person.familyName], ['/person/givenNames', input.person.givenNames], ['/residence/city', input.residence.city],
  ];
  for (const [path, value] of required) if (!value) errors.push({ path, message: 'is required' });
  if (Number.isNaN(Date.parse(input.issuedAt))) errors.push({ path: '/issuedAt', message: 'must be an ISO 8601 date-time' });
  for (const [path, value] of [['/registeredOn', input.registeredOn], ['/validUntil', input.validUntil]] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) errors.push({ path, message: 'must be a date yyyy-MM-dd' });
  }
  if (errors.length > 0) throw new HubError('VALIDATION_FAILED', 'the registration card cannot be rendered', { errors });
}

function draw(doc: PDFKit.PDFDocument, input: RegistrationCardInput, issuedAt: Date, withArabic: boolean): void {
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text(`Services consulaires — ${input.post.name} (${input.post.code})`, MARGIN, MARGIN, { width });
  doc.moveDown(2);
  doc.font('Helvetica-Bold').fontSize(16).fillColor('black').text("Carte d'immatriculation consulaire", { width, align: 'center' });
  doc.font('Helvetica').fontSize(11).fillColor('#333333').text('Consular registration card', { width, align: 'center' });
  if (withArabic) doc.font(ARABIC_FONT).fontSize(13).text('بطاقة التسجيل القنصلي', { width, align: 'center' });
  doc.moveDown(1);
  doc.font('Helvetica-Bold').fontSize(12).fillColor('black').text(`N° ${input.number}`, { width, align: 'center' });
  doc.moveDown(1.5);

  section(doc, 'Titulaire / Holder');
  row(doc, 'Nom / Family name', input.person.familyName);
  row(doc, 'Prénoms / Given names', input.person.givenNames);
  if (withArabic && input.person.familyNameAr) row(doc, 'Nom (arabe) / Family name (Arabic)', input.person.familyNameAr, ARABIC_FONT);
  if (withArabic && input.person.givenNamesAr) row(doc, 'Prénoms (arabe) / Given names (Arabic)', input.person.givenNamesAr, ARABIC_FONT);
  row(doc, 'Date de naissance / Date of birth', displayDate(input.person.birthDate));
  row(doc, 'CNIE / National ID card', input.person.cnie);
  if (input.profession) row(doc, 'Profession / Occupation', input.profession);

  section(doc, 'Résidence / Residence');
  const r = input.residence;
  row(doc, 'Adresse / Address', [r.line1, r.line2, [r.postalCode, r.city].filter(Boolean).join(' '), r.region, displayCountry(r.country)].filter(Boolean).join('\n'));

  if (input.household.length > 0) {
    section(doc, 'Membres du foyer / Household members');
    for (const m of input.household) row(doc, RELATIONSHIPS[m.relationship] ?? m.relationship, `${m.familyName} ${m.givenNames}, ${displayDate(m.birthDate)}`);
  }

  section(doc, 'Immatriculation / Registration');
  row(doc, 'Poste / Post', `${input.post.name} (${input.post.code})`);
  row(doc, 'Immatriculé depuis / Registered since', displayDate(input.registeredOn));
  row(doc, "Valable jusqu'au / Valid until", displayDate(input.validUntil));

  doc.moveDown(1.5);
  doc.font('Helvetica').fontSize(9).fillColor('#333333').text(
    "Le numéro d'immatriculation est attaché à la personne : il est conservé en cas de changement de poste et lors des renouvellements.",
    MARGIN, doc.y, { width });
  doc.moveDown(0.5);
  doc.text('The registration number belongs to the person: it is kept when they move to another post and when the card is renewed.', { width });
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(10).fillColor('black').text(`Délivrée le / Issued on ${displayIssueDate(issuedAt, input.post.timeZone)} — ${input.post.name}`, { width });
}

function section(doc: PDFKit.PDFDocument, title: string): void {
  doc.moveDown(0.8);
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

function displayIssueDate(issuedAt: Date, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('fr-FR', { timeZone: timeZone ?? 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(issuedAt);
  } catch {
    return displayDate(issuedAt.toISOString().slice(0, 10));
  }
}

/** ISO 3166-1 alpha-3 as stored; the name shown in French when Intl knows the matching alpha-2. */
const ALPHA3_TO_ALPHA2: Record<string, string> = { FRA: 'FR', BEL: 'BE', LUX: 'LU', ESP: 'ES', PRT: 'PT', CAN: 'CA', ARE: 'AE', OMN: 'OM', MAR: 'MA' };
function displayCountry(alpha3: string): string {
  const alpha2 = ALPHA3_TO_ALPHA2[alpha3];
  const name = alpha2 ? new Intl.DisplayNames(['fr'], { type: 'region', fallback: 'none' }).of(alpha2) : undefined;
  return name ? `${name} (${alpha3})` : alpha3;
}
