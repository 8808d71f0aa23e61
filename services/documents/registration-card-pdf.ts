/**
 * The consular registration card, as a PDF: the holder, the residence, the household, the registration (post,
 * since when, until when) and the issue date. Pure: input in, bytes out. The layout and the Arabic lines (the
 * holder's names, the Arabic title) come from pdf-kit.ts.
 */
import { DocumentPage, FieldChecks, displayDate, holderSection, displayLocalDate, postWithCode, renderPdf, type PdfLayout, type PdfOptions } from './pdf-kit';

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

export type RegistrationCardOptions = PdfOptions;

const LAYOUT: PdfLayout = { margin: 56, valueX: 256, sectionGap: 0.8, sectionSize: 11, labelSize: 9, valueSize: 10.5 };
const RELATIONSHIPS: Record<string, string> = { spouse: 'Conjoint / Spouse', child: 'Enfant / Child', parent: 'Parent / Parent', other: 'Autre / Other' };

export async function renderRegistrationCard(input: RegistrationCardInput, options: RegistrationCardOptions = {}): Promise<Buffer> {
  checkInput(input);
  const issuedAt = new Date(input.issuedAt);
  return renderPdf(LAYOUT, {
    Title: `Carte d'immatriculation consulaire ${input.number}`, Subject: `Immatriculation ${input.number}`,
    Author: postWithCode(input.post), Keywords: `immatriculation ${input.number}`, CreationDate: issuedAt,
  }, options, (page) => draw(page, input, issuedAt));
}

function checkInput(input: RegistrationCardInput): void {
  new FieldChecks()
    .required([
      ['/number', input.number], ['/post/code', input.post.code], ['/post/name', input.post.name], ['/person/cnie', input.person.cnie],
      ['/person/familyName', input.person.familyName], ['/person/givenNames', input.person.givenNames], ['/residence/city', input.residence.city],
    ])
    .dateTime('/issuedAt', input.issuedAt)
    .date('/registeredOn', input.registeredOn)
    .date('/validUntil', input.validUntil)
    .throwIfAny('the registration card');
}

function draw(page: DocumentPage, input: RegistrationCardInput, issuedAt: Date): void {
  page.header(`Services consulaires — ${postWithCode(input.post)}`);
  page.title({
    title: "Carte d'immatriculation consulaire", subtitle: 'Consular registration card', arabicTitle: 'بطاقة التسجيل القنصلي',
    number: input.number, numberSize: 12, gapBefore: 2, gapBeforeNumber: 1, gapAfter: 1.5,
  });

  holderSection(page, input.person);
  page.row('CNIE / National ID card', input.person.cnie);
  if (input.profession) page.row('Profession / Occupation', input.profession);

  page.section('Résidence / Residence');
  const r = input.residence;
  page.row('Adresse / Address', [r.line1, r.line2, [r.postalCode, r.city].filter(Boolean).join(' '), r.region, displayCountry(r.country)].filter(Boolean).join('\n'));

  if (input.household.length > 0) {
    page.section('Membres du foyer / Household members');
    for (const m of input.household) page.row(RELATIONSHIPS[m.relationship] ?? m.relationship, `${m.familyName} ${m.givenNames}, ${displayDate(m.birthDate)}`);
  }

  page.section('Immatriculation / Registration');
  page.row('Poste / Post', postWithCode(input.post));
  page.row('Immatriculé depuis / Registered since', displayDate(input.registeredOn));
  page.row("Valable jusqu'au / Valid until", displayDate(input.validUntil));

  page.note([
    "Le numéro d'immatriculation est attaché à la personne : il est conservé en cas de changement de poste et lors des renouvellements.",
    'The registration number belongs to the person: it is kept when they move to another post and when the card is renewed.',
  ], { before: 1.5, between: 0.5 });
  page.signOff(`Délivrée le / Issued on ${displayLocalDate(issuedAt, input.post.timeZone)} — ${input.post.name}`, { gapBefore: 1.5 });
}

/** ISO 3166-1 alpha-3 as stored; the name shown in French when Intl knows the matching alpha-2. */
const ALPHA3_TO_ALPHA2: Record<string, string> = { FRA: 'FR', BEL: 'BE', LUX: 'LU', ESP: 'ES', PRT: 'PT', CAN: 'CA', ARE: 'AE', OMN: 'OM', MAR: 'MA' };
function displayCountry(alpha3: string): string {
  const alpha2 = ALPHA3_TO_ALPHA2[alpha3];
  const name = alpha2 ? new Intl.DisplayNames(['fr'], { type: 'region', fallback: 'none' }).of(alpha2) : undefined;
  return name ? `${name} (${alpha3})` : alpha3;
}
