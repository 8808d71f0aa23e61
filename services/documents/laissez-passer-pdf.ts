/**
 * The mortuary laissez-passer (laissez-passer mortuaire), as a PDF, with the fields of the model annexed to the
 * Council of Europe Agreement on the Transfer of Corpses (Strasbourg, 26 October 1973): the issuing authority, the
 * deceased (name, date and place of birth, date and place of death), the coffin, the transport (mode, carrier,
 * departure, border post and expected arrival), the destination (commune of burial), and the issuing post, date
 * and number. Pure: input in, bytes out. The layout and the Arabic lines (the deceased's names, the Arabic title,
 * drawn only with a font that has Arabic glyphs) come from pdf-kit.ts.
 */
import { DocumentPage, FieldChecks, displayDate, displayDateTimeUtc, displayLocalDate, postWithCode, renderPdf, type PdfLayout, type PdfOptions } from './pdf-kit';

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

export type LaissezPasserOptions = PdfOptions;

const LAYOUT: PdfLayout = { margin: 50, valueX: 260, sectionGap: 0.7, sectionSize: 11, labelSize: 9, valueSize: 10.5 };
const MODES: Record<string, string> = { air: 'Aérien / By air', sea: 'Maritime / By sea', road: 'Routier / By road' };

export async function renderLaissezPasser(input: LaissezPasserInput, options: LaissezPasserOptions = {}): Promise<Buffer> {
  checkInput(input);
  const issuedAt = new Date(input.issuedAt);
  return renderPdf(LAYOUT, {
    Title: `Laissez-passer mortuaire ${input.number}`, Author: postWithCode(input.post), Keywords: `laissez-passer ${input.number}`, CreationDate: issuedAt,
  }, options, (page) => draw(page, input, issuedAt));
}

function checkInput(input: LaissezPasserInput): void {
  new FieldChecks()
    .required([
      ['/number', input.number], ['/post/name', input.post.name], ['/deceased/familyName', input.deceased.familyName],
      ['/deceased/givenNames', input.deceased.givenNames], ['/death/date', input.death.date], ['/death/place', input.death.place],
      ['/transport/borderPost', input.transport.borderPost], ['/destination/commune', input.destination.commune],
    ])
    .dateTime('/issuedAt', input.issuedAt)
    .dateTime('/transport/expectedArrivalAt', input.transport.expectedArrivalAt)
    .throwIfAny('the laissez-passer');
}

function draw(page: DocumentPage, input: LaissezPasserInput, issuedAt: Date): void {
  page.header(`Autorité de délivrance / Issuing authority — ${postWithCode(input.post)}`);
  page.title({
    title: 'Laissez-passer mortuaire',
    subtitle: 'Mortuary laissez-passer — Accord de Strasbourg du 26 octobre 1973 / Strasbourg Agreement of 26 October 1973',
    arabicTitle: 'جواز مرور الجثمان', number: input.number, gapBefore: 1.5, gapBeforeNumber: 0.8,
  });

  page.section('1. Défunt / Deceased');
  page.row('Nom / Surname', input.deceased.familyName);
  page.row('Prénoms / Forenames', input.deceased.givenNames);
  page.arabicRow('Nom (arabe) / Surname (Arabic)', input.deceased.familyNameAr);
  page.arabicRow('Prénoms (arabe) / Forenames (Arabic)', input.deceased.givenNamesAr);
  page.row('Date et lieu de naissance / Date and place of birth', `${displayDate(input.deceased.birthDate)} — ${input.deceased.birthPlace}`);
  page.row('Date et lieu du décès / Date and place of death', `${displayDate(input.death.date)} — ${input.death.place}`);

  page.section('2. Cercueil / Coffin');
  page.row('Hermétique / Hermetically sealed', input.coffin.hermetic ? 'Oui / Yes' : 'Non / No');
  page.row('Scellé / Seal', `${input.coffin.seal} (${displayDate(input.coffin.closedOn)})`);

  page.section('3. Transport');
  page.row('Mode / Means of transport', MODES[input.transport.mode] ?? input.transport.mode);
  page.row('Transporteur, vol / Carrier, flight', `${input.transport.carrier} ${input.transport.flightOrVoyage}`);
  page.row('Départ / Departure', displayDateTimeUtc(input.transport.departureAt));
  page.row("Poste frontière d'entrée / Border post of entry", input.transport.borderPost);
  page.row('Arrivée prévue / Expected arrival', displayDateTimeUtc(input.transport.expectedArrivalAt));
  if (input.transport.escorts.length > 0) page.row('Accompagné par / Escorted by', input.transport.escorts.join(', '));

  page.section('4. Destination');
  page.row("Lieu d'inhumation / Place of burial", [input.destination.commune, input.destination.cemetery, input.destination.country].filter(Boolean).join(' — '));

  page.section('5. Autorisations / Clearances');
  for (const c of input.clearances) page.row(c.agency, c.reference);

  page.note([
    'Le présent laissez-passer autorise le transport de la dépouille ci-dessus désignée jusqu\'au lieu d\'inhumation. ' +
      'This laissez-passer authorises the transport of the remains described above to the place of burial.',
  ], { before: 1.2 });
  page.signOff(`Délivré le / Issued on ${displayLocalDate(issuedAt, input.post.timeZone)} — ${postWithCode(input.post)}`, { gapBefore: 1.2 });
}
