/**
 * GET /sante/rapatriement/decisions?depuis=<ISO 8601 UTC>&page=<n> — the decision feed (health.md):
 * `<Decisions page="n" pages="m">`, items ordered by DecideLe, `depuis` inclusive, 100 items a page,
 * DecideLe in Rabat local time without offset, Arabic text as numeric character references.
 */
import type { IncomingMessage } from 'node:http';
import { splitUrl } from '../_kit/agency-front';
import type { Answer } from '../_kit/http';
import { xmlAnswer } from './demandes';
import type { HealthFaultSwitches } from './faults';
import type { Decision, HealthRegister } from './register';
import { document, element, erreurs, NAMESPACE } from './xml';
import { rabatLocal } from './time';

export const DECISIONS_PATH = '/sante/rapatriement/decisions';
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export interface FeedState {
  /** The body of the last feed answer (for the `repeatPage` fault). */
  lastBody?: string;
  /** The last item of the last page served (for the `boundaryDuplicate` fault). */
  lastItem?: Decision;
}

function decisionXml(d: Decision, statut: string = d.statut): string {
  return `<Decision>${element('Numero', d.numero)}${element('ReferenceDossier', d.referenceDossier)}${element('Statut', statut)}${element('Conditions', d.conditions)}${element('Motif', d.motif)}${element('DecideLe', rabatLocal(d.decidedAt))}</Decision>`;
}

export function answerDecisions(req: IncomingMessage, register: HealthRegister, faults: HealthFaultSwitches, state: FeedState, pageSize: number): Answer {
  req.resume();
  if (req.method !== 'GET') return xmlAnswer(405, erreurs([{ champ: 'methode', message: 'Seule la méthode GET est acceptée.' }]), { Allow: 'GET' });
  const params = new URLSearchParams(splitUrl(req.url ?? '/').query);
  const depuis = params.get('depuis') ?? '';
  const pageText = params.get('page') ?? '1';
  if (!UTC_ISO.test(depuis) || Number.isNaN(Date.parse(depuis))) return xmlAnswer(400, erreurs([{ champ: 'depuis', message: 'Date ISO 8601 UTC attendue (ex. 2026-11-20T09:00:00Z).' }]));
  if (!/^[1-9]\d{0,5}$/.test(pageText)) return xmlAnswer(400, erreurs([{ champ: 'page', message: 'Numéro de page entier positif attendu.' }]));
  const page = Number(pageText);

  if (state.lastBody !== undefined && faults.takeHealth('repeatPage')) return xmlAnswer(200, state.lastBody);

  const all = faults.reindexing ? [] : register.since(new Date(depuis));
  const pages = Math.ceil(all.length / pageSize);
  const items = all.slice((page - 1) * pageSize, page * pageSize);
  const parts = items.map((d) => decisionXml(d));
  if (state.lastItem && faults.takeHealth('boundaryDuplicate')) parts.unshift(decisionXml(state.lastItem));
  if (parts.length > 0 && faults.takeHealth('malformedEntry')) {
    const victim = items[0] ?? state.lastItem;
    if (victim) parts.splice(Math.min(1, parts.length), 0, decisionXml({ ...victim, numero: `${victim.numero}-X` }, 'INCONNU'));
  }
  const body = document(`<Decisions xmlns="${NAMESPACE}" page="${page}" pages="${pages}">${parts.join('')}</Decisions>`);
  state.lastBody = body;
  if (items.length > 0) state.lastItem = items[items.length - 1];
  return xmlAnswer(200, body);
}
