/**
 * The certificate of service of a judicial document (Hague Service Convention of 1965, the model "Attestation /
 * Certificate" annexed to it): the authority that certifies, that the document was served (date, place, method, to
 * whom and in what capacity) or why it was not (the facts), the documents served, and where and when the certificate
 * is made. Pure: input in, bytes out. The layout and the Arabic line (the addressee's name, only with an Arabic
 * font) come from pdf-kit.ts.
 */
import { DocumentPage, FieldChecks, displayDate, displayLocalDate, postWithCode, renderPdf, type PdfLayout, type PdfOptions } from './pdf-kit';

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

export type ServiceCertificateOptions = PdfOptions;

const LAYOUT: PdfLayout = { margin: 50, valueX: 260, sectionGap: 0.8, sectionSize: 10.5, labelSize: 8.5, valueSize: 10 };

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
  return renderPdf(LAYOUT, {
    Title: `Attestation ${input.certificateNumber}`, Subject: `Pli ${input.request.pliId}`, Author: postWithCode(input.post), CreationDate: madeAt,
  }, options, (page) => draw(page, input, madeAt));
}

function checkInput(input: ServiceCertificateInput): void {
  const served = input.outcome.result !== 'not-served';
  new FieldChecks()
    .required([['/certificateNumber', input.certificateNumber], ['/request/pliId', input.request.pliId],
      ['/addressee/familyName', input.addressee.familyName], ['/post/code', input.post.code]])
    .dateTime('/madeAt', input.madeAt)
    .check(!served || !!input.outcome.servedOn, '/outcome/servedOn', 'is required when the document was served')
    .check(!served || !!input.outcome.deliveredTo, '/outcome/deliveredTo', 'is required when the document was served')
    .check(served || !!input.outcome.notServedReason, '/outcome/notServedReason', 'is required when the document was not served')
    .throwIfAny('the certificate of service');
}

function draw(page: DocumentPage, input: ServiceCertificateInput, madeAt: Date): void {
  page.header(`Services consulaires — ${postWithCode(input.post)}`);
  page.title({
    title: 'ATTESTATION / CERTIFICATE', titleSize: 15, subtitleSize: 9, numberSize: 10, gapBefore: 1.5, gapAfter: 1,
    subtitle: "Convention de La Haye du 15 novembre 1965 relative à la signification et la notification à l'étranger des actes judiciaires et extrajudiciaires en matière civile ou commerciale — article 6",
    number: input.certificateNumber,
  });
  page.paragraph("L'autorité soussignée a l'honneur d'attester conformément à l'article 6 de ladite Convention / The undersigned authority has the honour to certify, in conformity with article 6 of the Convention:", { size: 9.5 });

  page.section('Demande / Request');
  page.row('Autorité requérante / Requesting authority', input.request.court);
  page.row('Référence du pli / Document reference (IdPli)', input.request.pliId);
  page.row("Numéro d'affaire / Case number", input.request.caseNumber);
  page.row("Nature de l'acte / Nature of the document", input.request.nature);
  page.row('Éléments essentiels / Summary', input.request.summary);
  page.row('Pièces / Documents', input.request.documents.join(', ') || '—');

  page.section('Destinataire / Addressee');
  const a = input.addressee;
  page.row('Identité / Identity', `${a.familyName} ${a.givenNames}`);
  page.arabicRow('Nom (arabe) / Name (Arabic)', a.familyNameAr && `${a.familyNameAr} ${a.givenNamesAr ?? ''}`.trim());
  page.row('Adresse / Address', a.address);

  const o = input.outcome;
  if (o.result !== 'not-served') {
    page.section("1. que la demande a été exécutée / that the document has been served");
    page.row('Date / Date', displayDate(o.servedOn ?? ''));
    page.row('Lieu / Place', o.place ?? '—');
    page.row('Forme / Method', METHOD[o.result]);
    page.row('Remis à / Delivered to', o.deliveredTo ? `${o.deliveredTo.name} — ${CAPACITY[o.deliveredTo.capacity] ?? o.deliveredTo.capacity}` : '—');
    if (o.facts) page.row('Précisions / Details', o.facts);
  } else {
    page.section("2. que la demande n'a pas été exécutée / that the document has not been served");
    page.row('Motif / Reason', REASON[o.notServedReason ?? ''] ?? String(o.notServedReason));
    page.row('Faits / Facts', o.facts ?? '—');
  }

  page.signOff(`Fait à / Done at ${input.post.name}, le / on ${displayLocalDate(madeAt, input.post.timeZone)} — ${input.agent}`,
    { gapBefore: 1.5, caption: 'Signature et/ou cachet / Signature and/or stamp' });
}
