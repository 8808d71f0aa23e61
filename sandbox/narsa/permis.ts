/**
 * NARSA's REST resource, as narsa.md states it:
 *   GET /narsa/v1/permis/{numero}?cnie={cnie}&dateNaissance={yyyy-MM-dd}
 * Error bodies are `{code, message}`; messages never repeat the caller's personal data.
 */
import type { IncomingMessage } from 'node:http';
import { splitUrl } from '../_kit/agency-front';
import { type Answer, jsonAnswer, singleHeader } from '../_kit/http';
import { findPermis } from './data';

export const BASE_PATH = '/narsa/v1';
const PERMIS_PREFIX = `${BASE_PATH}/permis/`;

/** Error codes of the NARSA sandbox (documented in sandbox/README.md). */
export const NarsaError = {
  REQUETE_INVALIDE: 'REQUETE_INVALIDE',
  IDENTIFIANT_MESSAGE_MANQUANT: 'IDENTIFIANT_MESSAGE_MANQUANT',
  RESSOURCE_INCONNUE: 'RESSOURCE_INCONNUE',
  METHODE_NON_AUTORISEE: 'METHODE_NON_AUTORISEE',
  PERMIS_INCONNU: 'PERMIS_INCONNU',
  TITULAIRE_NON_CONCORDANT: 'TITULAIRE_NON_CONCORDANT',
  TROP_DE_REQUETES: 'TROP_DE_REQUETES',
  SERVICE_INDISPONIBLE: 'SERVICE_INDISPONIBLE',
  ERREUR_INTERNE: 'ERREUR_INTERNE',
} as const;
export type NarsaErrorCode = keyof typeof NarsaError;

// CNIE: one or two letters then digits (BK123456, A123456); compared without regard to case.
const CNIE = /^[A-Za-z]{1,2}[0-9]{3,8}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function narsaError(status: number, code: NarsaErrorCode, message: string, headers?: Record<string, string>): Answer {
  return jsonAnswer(status, { code, message }, headers);
}

export function answerPermis(req: IncomingMessage): Answer {
  req.resume(); // no body is expected; drain whatever came so the connection can be reused
  const { path, query } = splitUrl(req.url ?? '/');

  // The number is one path segment: a raw '/' means the caller did not encode it, and then
  // the path names no resource, as it would on a real server.
  const segment = path.startsWith(PERMIS_PREFIX) ? path.slice(PERMIS_PREFIX.length) : undefined;
  if (segment === undefined || segment === '' || segment.includes('/')) {
    return narsaError(404, 'RESSOURCE_INCONNUE', 'Ressource inconnue (le numéro de permis doit être encodé dans le chemin).');
  }
  if (req.method !== 'GET') {
    return narsaError(405, 'METHODE_NON_AUTORISEE', 'Seule la méthode GET est acceptée.', { Allow: 'GET' });
  }
  const messageId = singleHeader(req, 'x-message-id');
  if (messageId === null || !UUID.test(messageId)) {
    return narsaError(400, 'IDENTIFIANT_MESSAGE_MANQUANT', "L'en-tête X-Message-Id (UUID) est obligatoire.");
  }

  let numero: string;
  try {
    numero = decodeURIComponent(segment);
  } catch {
    return narsaError(400, 'REQUETE_INVALIDE', 'Numéro de permis mal encodé.');
  }
  const params = new URLSearchParams(query);
  const cnie = single(params, 'cnie');
  if (cnie === undefined || !CNIE.test(cnie)) {
    return narsaError(400, 'REQUETE_INVALIDE', 'Paramètre cnie absent ou mal formé.');
  }
  const dateNaissance = single(params, 'dateNaissance');
  if (dateNaissance === undefined || !isCalendarDate(dateNaissance)) {
    return narsaError(400, 'REQUETE_INVALIDE', 'Paramètre dateNaissance absent ou mal formé (yyyy-MM-dd).');
  }

  const permis = findPermis(numero);
  if (!permis) return narsaError(404, 'PERMIS_INCONNU', 'Aucun permis ne porte ce numéro.');
  const holder = permis.titulaire;
  if (holder.cnie.toUpperCase() !== cnie.toUpperCase() || holder.dateNaissance !== dateNaissance) {
    return narsaError(409, 'TITULAIRE_NON_CONCORDANT', 'Le permis existe mais les données du titulaire ne concordent pas.');
  }
  return jsonAnswer(200, permis);
}

/** A parameter given exactly once; repeated or absent is treated as malformed. */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
