/**
 * The driving-licence authentication attestation, as a PDF: the holder, the licence and its status, the online
 * verification with NARSA (its reference), the intended use, and the issuing post and date. Pure: input in, bytes
 * out. The layout and the Arabic lines (the holder's civil-status names, the Arabic title) come from pdf-kit.ts.
 */
import { DocumentPage, FieldChecks, displayDate, holderSection, displayDateTimeUtc, displayLocalDate, postWithCode, renderPdf, type PdfLayout, type PdfOptions } from './pdf-kit';

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

export type LicenceAttestationOptions = PdfOptions;

const LAYOUT: PdfLayout = { margin: 56, valueX: 256, sectionGap: 0.8, sectionSize: 11, labelSize: 9, valueSize: 10.5 };

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
  return renderPdf(LAYOUT, {
    Title: `Attestation d'authenticité de permis de conduire ${input.attestationNumber}`,
    Subject: `Attestation ${input.attestationNumber} — vérification ${input.verification.reference}`,
    Author: postWithCode(input.post),
    Keywords: `attestation ${input.attestationNumber} ${input.verification.reference}`,
    CreationDate: issuedAt,
  }, options, (page) => draw(page, input, issuedAt));
}

function checkInput(input: LicenceAttestationInput): void {
  new FieldChecks()
    .required([
      ['/attestationNumber', input.attestationNumber], ['/post/code', input.post.code], ['/post/name', input.post.name],
      ['/holder/familyName', input.holder.familyName], ['/holder/givenNames', input.holder.givenNames],
      ['/licence/number', input.licence.number], ['/verification/reference', input.verification.reference],
    ])
    .dateTime('/issuedAt', input.issuedAt)
    .dateTime('/verification/verifiedAt', input.verification.verifiedAt)
    .throwIfAny('the attestation');
}

function draw(page: DocumentPage, input: LicenceAttestationInput, issuedAt: Date): void {
  page.header(`Services consulaires — ${postWithCode(input.post)}`);
  page.title({
    title: "Attestation d'authenticité de permis de conduire", subtitle: 'Driving licence authenticity certificate',
    arabicTitle: 'شهادة التحقق من صحة رخصة السياقة', number: input.attestationNumber, gapBefore: 2, gapBeforeNumber: 1, gapAfter: 1.5,
  });

  holderSection(page, input.holder);

  page.section('Permis de conduire / Driving licence');
  page.row('Numéro / Number', input.licence.number);
  page.row('Catégories / Categories', input.licence.categories.join(', ') || '—');
  if (input.licence.issuedOn) page.row('Délivré le / Issued on', displayDate(input.licence.issuedOn));
  if (input.licence.expiresOn) page.row("Valable jusqu'au / Valid until", displayDate(input.licence.expiresOn));
  page.row('Statut / Status', STATUS_LABELS[input.licence.status] ?? input.licence.status);

  page.section("Vérification auprès de l'autorité de délivrance / Verification with the issuing authority");
  page.row('Référence / Reference', input.verification.reference);
  page.row('Vérifié le / Verified on', displayDateTimeUtc(input.verification.verifiedAt));

  page.section('Usage / Intended use');
  page.row('Pays de destination / Destination country', displayCountry(input.destinationCountry));
  page.row('Motif / Purpose', input.purpose);

  page.note([
    `Le consulat atteste que le permis de conduire ci-dessus a été vérifié en ligne auprès de l'autorité qui l'a délivré ` +
      `(NARSA), sous la référence ${input.verification.reference}. La présente attestation ne vaut pas permis de conduire.`,
    'The consulate certifies that the driving licence above was verified online with the authority that issued it (NARSA). ' +
      'This certificate is not a driving licence.',
  ], { before: 1.5, between: 0.5 });
  page.signOff(`Délivrée le / Issued on ${displayLocalDate(issuedAt, input.post.timeZone)} — ${input.post.name}`, { gapBefore: 1.5 });
}

function displayCountry(value: string): string {
  if (!/^[A-Z]{2}$/.test(value)) return value;
  const names = new Intl.DisplayNames(['fr'], { type: 'region', fallback: 'none' }).of(value);
  return names ? `${names} (${value})` : value;
}
