/** From the request to the laissez-passer's fields (services/documents/laissez-passer-pdf.ts). Pure. */
import { renderLaissezPasser } from '../documents/laissez-passer-pdf';
import type { RequestDetails } from '../requests/ports';
import { laissezPasserNumber, type RepatriationData } from './case-file';
import type { Agency, Clearance } from './clearances';

const COUNTRY_OF_BURIAL = 'Maroc / Morocco';
const LABELS: Record<Agency, string> = {
  interior: "Autorisation d'inhumer (Intérieur) / Burial authorisation",
  health: 'Autorisation sanitaire (Santé) / Sanitary clearance',
  dgsn: 'Transport (DGSN) / Transport clearance',
};

export async function renderRepatriationLaissezPasser(
  request: RequestDetails, data: RepatriationData, clearances: Record<Agency, Clearance>,
  post: { code: string; name: string; timeZone?: string }, now: Date, arabicFont?: Uint8Array,
): Promise<{ number: string; bytes: Buffer }> {
  const number = laissezPasserNumber(request.reference);
  const interior = clearances.interior;
  const bytes = await renderLaissezPasser({
    number, issuedAt: now.toISOString(), post,
    deceased: { familyName: data.deceased.familyName, givenNames: data.deceased.givenNames, familyNameAr: data.deceased.familyNameAr,
      givenNamesAr: data.deceased.givenNamesAr, birthDate: data.deceased.birthDate, birthPlace: data.deceased.birthPlace },
    death: { date: data.death.date, place: `${data.death.city} (${data.death.country})` },
    coffin: data.coffin,
    transport: { ...data.transport, escorts: (data.transport.escorts ?? []).map((e) => `${e.givenNames} ${e.familyName}`) },
    destination: { commune: interior.issuingCommune ? `${interior.issuingCommune} (${data.burial.communeCode})` : data.burial.communeCode,
      cemetery: data.burial.cemetery, country: COUNTRY_OF_BURIAL },
    clearances: (['interior', 'health', 'dgsn'] as const).map((a) => ({ agency: LABELS[a],
      reference: clearances[a].decisionReference ?? clearances[a].partnerReference ?? '—' })),
  }, { arabicFont });
  return { number, bytes };
}
