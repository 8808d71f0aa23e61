/**
 * SuiviPlisService, the Ministry's side (justice.md, "Status and certificate out"): NotifierStatut and
 * TransmettreAttestation → Ack. A repeated message id is the same message (the first Ack again); a
 * status older than the last one received for the pli is TRANSITION_INVALIDE (statuses must arrive in
 * the order they happened); a pli the Ministry never published is PLI_INCONNU.
 */
import { createHash } from 'node:crypto';
import { esc, get, type Incoming, str } from '../_kit/soap';
import type { Register } from './register';

export type JusticeFaultCode = 'PLI_INCONNU' | 'TRANSITION_INVALIDE' | 'INDISPONIBLE' | 'REQUETE_INVALIDE';

/** The lifecycle of a pli at the post; SIGNIFIE and NON_SIGNIFIE are one step (the outcome). */
const RANK: Record<string, number> = { RECU_POSTE: 1, DESTINATAIRE_CONVOQUE: 2, SIGNIFIE: 3, NON_SIGNIFIE: 3, RETOURNE: 4 };
const RESULTATS = ['SIGNIFIE_FORMES_LEGALES', 'SIGNIFIE_REMISE_SIMPLE', 'SIGNIFIE_MODE_PARTICULIER', 'NON_SIGNIFIE'];
const QUALITES = ['DESTINATAIRE', 'FAMILLE', 'EMPLOYE', 'AUTRE'];
const MOTIFS_NON_SIGNIFICATION = ['ADRESSE_INCONNUE', 'REFUS', 'DECEDE', 'DEMENAGE', 'AUTRE'];
const DATE_TIME_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64 = /^[A-Za-z0-9+/\s]+={0,2}$/;

export interface Outcome {
  /** `Ack` or a fault body. */
  bodyXml: string;
  status: number;
  /** What the received log says about it: `accepted`, `duplicate` or the fault code. */
  verdict: 'accepted' | 'duplicate' | JusticeFaultCode;
  operation: string;
  idPli?: string;
}

export function justiceFault(faultcode: string, message: string, code: JusticeFaultCode | 'AUTHENTIFICATION', fields: string[] = []): string {
  const list = fields.length ? `<jus:fields>${fields.map((f) => `<jus:field>${esc(f)}</jus:field>`).join('')}</jus:fields>` : '';
  return `<soapenv:Fault><faultcode>${faultcode}</faultcode><faultstring xml:lang="fr">${esc(message)}</faultstring>`
    + `<detail><jus:fault><jus:code>${code}</jus:code>${list}</jus:fault></detail></soapenv:Fault>`;
}

const ack = (receivedAt: string): string => `<jus:Ack><jus:receivedAt>${receivedAt}</jus:receivedAt></jus:Ack>`;

function clientFault(operation: string, code: JusticeFaultCode, message: string, fields: string[] = [], idPli?: string): Outcome {
  return { status: 500, bodyXml: justiceFault('soapenv:Client', message, code, fields), verdict: code, operation, idPli };
}

export class SuiviPlisService {
  constructor(private readonly register: Register) {}

  async handle(env: Incoming, messageId: string): Promise<Outcome> {
    const operation = env.bodyName ?? '';
    const state = this.register.state;
    const seen = state.messages[messageId];
    if (seen) {
      // The partners' rule: a repeated message id is the same message, answered as the first time.
      seen.times += 1;
      await this.register.persist();
      return { status: 200, bodyXml: ack(seen.receivedAt), verdict: 'duplicate', operation: seen.operation, idPli: seen.idPli };
    }
    if (operation !== 'NotifierStatut' && operation !== 'TransmettreAttestation') {
      return clientFault(operation, 'REQUETE_INVALIDE', 'Opération inconnue.', ['Body']);
    }
    const body = env.body;
    const idPli = str(get(body, 'idPli'));
    if (!idPli) return clientFault(operation, 'REQUETE_INVALIDE', 'Requête invalide.', ['idPli']);
    const pli = state.plis[idPli];
    if (!pli) return clientFault(operation, 'PLI_INCONNU', 'Pli inconnu.', ['idPli'], idPli);
    const receivedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

    if (operation === 'NotifierStatut') {
      const statut = str(get(body, 'statut'));
      const date = str(get(body, 'date'));
      const bad = [...(!statut || !(statut in RANK) ? ['statut'] : []), ...(!date || !DATE_TIME_UTC.test(date) || Number.isNaN(Date.parse(date)) ? ['date'] : [])];
      if (bad.length > 0 || !statut || !date) return clientFault(operation, 'REQUETE_INVALIDE', 'Requête invalide.', bad, idPli);
      const last = pli.statuses[pli.statuses.length - 1];
      if (last && (RANK[statut] < RANK[last.statut] || Date.parse(date) < Date.parse(last.date))) {
        return clientFault(operation, 'TRANSITION_INVALIDE', 'Statut antérieur au dernier statut reçu.', ['statut'], idPli);
      }
      pli.statuses.push({ statut, date, messageId, receivedAt });
    } else {
      const resultat = str(get(body, 'resultat'));
      const bad: string[] = [];
      if (!resultat || !RESULTATS.includes(resultat)) bad.push('resultat');
      const dateSignification = str(get(body, 'dateSignification'));
      if (dateSignification !== undefined && !DATE.test(dateSignification)) bad.push('dateSignification');
      const remisA = get(body, 'remisA');
      if (remisA !== undefined && (!str(get(remisA, 'nom')) || !QUALITES.includes(str(get(remisA, 'qualite')) ?? ''))) bad.push('remisA');
      const motif = str(get(body, 'motifNonSignification'));
      if (motif !== undefined && !MOTIFS_NON_SIGNIFICATION.includes(motif)) bad.push('motifNonSignification');
      // A certificate says either how the document was served or why it was not.
      if (resultat === 'NON_SIGNIFIE' && motif === undefined) bad.push('motifNonSignification');
      if (resultat?.startsWith('SIGNIFIE_') && dateSignification === undefined) bad.push('dateSignification');
      const pdfText = (str(get(body, 'attestationPdf')) ?? '').replace(/\s+/g, '');
      const pdf = BASE64.test(pdfText) ? Buffer.from(pdfText, 'base64') : Buffer.alloc(0);
      if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') bad.push('attestationPdf');
      if (bad.length > 0 || !resultat) return clientFault(operation, 'REQUETE_INVALIDE', 'Requête invalide.', bad, idPli);
      pli.attestations.push({ resultat, messageId, receivedAt, pdfSha256: createHash('sha256').update(pdf).digest('hex'), pdfBytes: pdf.length });
    }
    state.messages[messageId] = { operation, idPli, receivedAt, times: 1 };
    await this.register.persist();
    return { status: 200, bodyXml: ack(receivedAt), verdict: 'accepted', operation, idPli };
  }
}
