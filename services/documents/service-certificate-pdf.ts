/**
 * The certificate of service of a judicial document (Hague Service Convention of 1965, the model "Attestation /
 * Certificate" annexed to it): the authority that certifies, that the document was served (date, place, method, to
 * whom and in what capacity) or why it was not (the facts), the documents served, and where and when the certificate
 * is made. Pure: input in, bytes out. Arabic lines only with an Arabic font (see licence-attestation-pdf.ts).
 */
import PDFDocument from 'pdfkit';
import { HubError, type FieldError } from '../../broker/errors';

export interface ServiceCertificateInput {
  certificateNumber: string;
  /** When the certificate is made (the service was recorded), ISO 8601: also the PDF's CreationDate. */
  madeAt: string;
  post: { code: string; name: string; timeZone?: string };
  /** The requesting authority and its references (the Ministry's IdPli, the court's case number). */
  request: { pliId: string; caseNumber: string; court: string; nature: string; summary: string; documents: string[] };
  addressee: { familyName: string; givenNames: string; familyNameAr?: string; givenNamesAr?: string; address: string };
  outcome: {
    result: 'served-legal-forms' | 'served-simple-delivery' | 'served-particular-method' | 'not-served';
    servedOn?: string; place?: string; deliveredTo?: { name: string; capacity: string };
    notServedReason?: string; facts?: string;
  };
  agent: string;
}

export interface ServiceCertificateOptions { arabicFont?: Uint8Array; compress?: boolean }

const ARABIC_FONT = 'arabic';
const MARGIN = 50;
const VALUE_X = MARGIN + 210;

const METHOD: Record<string, string> = {
  'served-legal-forms': "selon les formes légales (article 5, alinéa premier, lettre a) / in accordance with the provisions of sub-paragraph (a) of the first paragraph of article 5",
  'served-simple-delivery': "par remise simple au destinataire qui l'a acceptée volontairement (article 5, alinéa 2) / by delivery to the addressee, who accepted it voluntarily (second paragraph of article 5)",
  'served-particular-method': 'selon la forme particulière demandée (article 5, alinéa premier, lettre b) / by the particular method requested (sub-paragraph (b) of the first paragraph of article 5)',
};
const CAPACITY: Record<string, string> = { addressee: 'le destinataire / the addressee', family: 'un membre de la famille / a family member', employee: 'un employé / an employee', other: 'autre / other' };
const REASON: Record<string, string> = {
  'unknown-address': 'adresse inconnue / address unknown', refused: 'refus du destinataire / refused by the addressee', deceased: 'destinataire décédé / addressee deceased',
  moved: 'destinataire a déménagé / addressee has moved', other: 'autre / other',
};

export async function renderServiceCertificate(input: ServiceCertificateInput, options: ServiceCertificateOptions = {}): Promise<Buffer> {
  checkInput(input);
  const madeAt = new Date(input.madeAt);
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, compress: options.compress ?? true, lang: 'fr-FR', displayTitle: true,
    info: { Title: `Attestation ${input.certificateNumber}`, Subject: `Pli ${input.request.pliId}`, Author: `${input.post.name} (${input.post.code})`, CreationDate: madeAt },
  });
  const bytes = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (options.arabicFont) doc.registerFont(ARABIC_FONT, Buffer.from(options.arabicFont));
  draw(doc, input, madeAt, options.arabicFont !== undefined);
  doc.end();
  return bytes;
}

function checkInput(input: ServiceCertificateInput): void {
  const errors: FieldError[] = [];
  const required: Array<[string, string | undefined]> = [['/certificateNumber', input.certificateNumber], ['/request/pliId', input.request.pliId],
    ['/addressee/familyName', input.addressee.familyName], ['/post/code', input.post.code]];
  for (const [path, value] of required) if (!value) errors.push({ path, message: 'is required' });
  if (Number.isNaN(Date.parse(input.madeAt))) errors.push({ path: '/madeAt', message: 'must be an ISO 8601 date-time' });
  const served = input.outcome.result !== 'not-served';
  if (served && !input.outcome.servedOn) errors.push({ path: '/outcome/servedOn', message: 'is required when the document was served' });
  if (served && !input.outcome.deliveredTo) errors.push({ path: '/outcome/deliveredTo', message: 'is required when the document was served' });
  if (!served && !input.outcome.notServedReason) errors.push({ path: '/outcome/notServedReason', message: 'is required when the document was not served' });
  if (errors.length) throw new HubError('VALIDATION_FAILED', 'the certificate of service cannot be rendered', { errors });
}

function draw(doc: PDFKit.PDFDocument, input: ServiceCertificateInput, madeAt: Date, withArabic: boolean): void {
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text(`Services consulaires — ${input.post.name} (${input.post.code})`, MARGIN, MARGIN, { width });
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(15).fillColor('black').text('ATTESTATION / CERTIFICATE', { width, align: 'center' });
  doc.font('Helvetica').fontSize(9).fillColor('#333333')
    .text("Convention de La Haye du 15 novembre 1965 relative à la signification et la notification à l'étranger des actes judiciaires et extrajudiciaires en matière civile ou commerciale — article 6", { width, align: 'center' });
  doc.font('Helvetica-Bold').fontSize(10).fillColor('black').text(`N° ${input.certificateNumber}`, { width, align: 'center' });
  doc.moveDown(1);
  doc.font('Helvetica').fontSize(9.5).text("L'autorité soussignée a l'honneur d'attester conformément à l'article 6 de ladite Convention / The undersigned authority has the honour to certify, in conformity with article 6 of the Convention:", MARGIN, doc.y, { width });

  section(doc, 'Demande / Request');
  row(doc, 'Autorité requérante / Requesting authority', input.request.court);
  row(doc, 'Référence du pli / Document reference (IdPli)', input.request.pliId);
  row(doc, "Numéro d'affaire / Case number", input.request.caseNumber);
  row(doc, "Nature de l'acte / Nature of the document", input.request.nature);
  row(doc, 'Éléments essentiels / Summary', input.request.summary);
  row(doc, 'Pièces / Documents', input.request.documents.join(', ') || '—');

  section(doc, 'Destinataire / Addressee');
  row(doc, 'Identité / Identity', `${input.addressee.familyName} ${input.addressee.givenNames}`);
  if (withArabic && input.addressee.familyNameAr) row(doc, 'Nom (arabe) / Name (Arabic)', `${input.addressee.familyNameAr} ${input.addressee.givenNamesAr ?? ''}`.trim(), ARABIC_FONT);
  row(doc, 'Adresse / Address', input.addressee.address);

  const o = input.outcome;
  if (o.result !== 'not-served') {
    section(doc, "1. que la demande a été exécutée / that the document has been served");
    row(doc, 'Date / Date', displayDate(o.servedOn ?? ''));
    row(doc, 'Lieu / Place', o.place ?? '—');
    row(doc, 'Forme / Method', METHOD[o.result]);
    row(doc, 'Remis à / Delivered to', o.deliveredTo ? `${o.deliveredTo.name} — ${CAPACITY[o.deliveredTo.capacity] ?? o.deliveredTo.capacity}` : '—');
    if (o.facts) row(doc, 'Précisions / Details', o.facts);
  } else {
    section(doc, "2. que la demande n'a pas été exécutée / that the document has not been served");
    row(doc, 'Motif / Reason', REASON[o.notServedReason ?? ''] ?? String(o.notServedReason));
    row(doc, 'Faits / Facts', o.facts ?? '—');
  }

  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(10).fillColor('black')
    .text(`Fait à / Done at ${input.post.name}, le / on ${displayLocalDate(madeAt, input.post.timeZone)} — ${input.agent}`, MARGIN, doc.y, { width });
  doc.font('Helvetica').fontSize(9).text('Signature et/ou cachet / Signature and/or stamp', { width });
}

function section(doc: PDFKit.PDFDocument, title: string): void {
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(10.5).fillColor('black').text(title, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.3);
}

function row(doc: PDFKit.PDFDocument, label: string, value: string, valueFont = 'Helvetica'): void {
  const top = doc.y;
  doc.font('Helvetica').fontSize(8.5).fillColor('#555555').text(label, MARGIN, top, { width: VALUE_X - MARGIN - 10 });
  const labelBottom = doc.y;
  doc.font(valueFont).fontSize(10).fillColor('black').text(value, VALUE_X, top, { width: doc.page.width - MARGIN - VALUE_X, align: valueFont === ARABIC_FONT ? 'right' : 'left' });
  doc.y = Math.max(doc.y, labelBottom) + 3;
  doc.x = MARGIN;
}

function displayDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : value;
}

function displayLocalDate(at: Date, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('fr-FR', { timeZone: timeZone ?? 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
  } catch {
    return displayDate(at.toISOString().slice(0, 10));
  }
}
