/**
 * POST /sante/rapatriement/demandes — a request for sanitary clearance (health.md).
 * 202 + Accuse when accepted (the decision appears in the feed), 200 + the original Accuse for a
 * repeated IdMessage, 400 + Erreurs naming the fields, 401 without the right X-Api-Key.
 */
import type { IncomingMessage } from 'node:http';
import { type Answer, BodyTooLargeError, readBody, singleHeader } from '../_kit/http';
import { document, element, erreurs, NAMESPACE, readDemande, schemaProblems } from './xml';
import type { HealthRegister } from './register';
import { decide, missingPieces } from './rules';
import { rabatLocal } from './time';

export const DEMANDES_PATH = '/sante/rapatriement/demandes';
const MAX_BODY_BYTES = 256 * 1024;

export function xmlAnswer(status: number, body: string, headers?: Record<string, string>): Answer {
  return { status, body, headers, contentType: 'application/xml; charset=utf-8' };
}

function accuseXml(numero: string, recuLe: string): string {
  return document(`<Accuse xmlns="${NAMESPACE}">${element('Numero', numero)}${element('RecuLe', recuLe)}</Accuse>`);
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const obj = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? value as Record<string, unknown> : {});

export async function answerDemande(req: IncomingMessage, register: HealthRegister, decisionDelayMs: number): Promise<Answer> {
  if (req.method !== 'POST') {
    req.resume();
    return xmlAnswer(405, erreurs([{ champ: 'methode', message: 'Seule la méthode POST est acceptée.' }]), { Allow: 'POST' });
  }
  if (!/^application\/xml\s*(;|$)/i.test(singleHeader(req, 'content-type') ?? '')) {
    req.resume();
    return xmlAnswer(415, erreurs([{ champ: 'Content-Type', message: 'Le corps doit être application/xml; charset=utf-8.' }]));
  }
  let body: string;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return xmlAnswer(413, erreurs([{ champ: 'document', message: 'Document trop volumineux.' }]));
    throw err;
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return xmlAnswer(400, erreurs([{ champ: 'document', message: 'Les DTD ne sont pas acceptées.' }]));
  const problems = await schemaProblems(body);
  if (problems.length > 0) return xmlAnswer(400, erreurs(problems));

  const demande = readDemande(body);
  const idMessage = str(demande.IdMessage);
  const known = register.accuseFor(idMessage);
  if (known) return xmlAnswer(200, accuseXml(known.numero, known.recuLe));

  const pieces = (obj(demande.Pieces).Piece as unknown[] | undefined ?? []).map((p) => str(obj(p).Type));
  const missing = missingPieces(pieces);
  if (missing.length > 0) return xmlAnswer(400, erreurs(missing.map((type) => ({ champ: 'Pieces', message: `Pièce manquante : ${type}.` }))));

  const now = new Date();
  const accuse = register.remember(idMessage, rabatLocal(now));
  const deces = obj(demande.Deces);
  const verdict = decide({
    maladieContagieuse: str(deces.MaladieContagieuse),
    sousPliFerme: obj(deces.Cause).SousPliFerme !== undefined,
    hermetique: str(obj(demande.Cercueil).Hermetique) === 'true',
  });
  register.publish({ referenceDossier: str(demande.ReferenceDossier), ...verdict, decidedAt: new Date(now.getTime() + decisionDelayMs) });
  return xmlAnswer(202, accuseXml(accuse.numero, accuse.recuLe));
}
