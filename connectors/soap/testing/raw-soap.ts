/**
 * Test support: hand-built callback envelopes and a plain HTTP POST, so tests can send what no well-behaved
 * client would (a replayed nonce, a wrong digest, a DTD, an oversized body). Nothing in the hub imports it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { passwordDigest, PASSWORD_DIGEST, WSSE_NS, WSU_NS, type Credentials } from '../ws-security';

export interface TokenParts { nonce?: Buffer; created?: string; password?: string; username?: string }

export function usernameToken(credentials: Credentials, parts: TokenParts = {}): string {
  const nonce = parts.nonce ?? randomBytes(16);
  const created = parts.created ?? new Date().toISOString();
  const digest = passwordDigest(nonce, created, parts.password ?? credentials.password);
  return `<wsse:Security xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}"><wsse:UsernameToken>`
    + `<wsse:Username>${parts.username ?? credentials.username}</wsse:Username><wsse:Password Type="${PASSWORD_DIGEST}">${digest}</wsse:Password>`
    + `<wsse:Nonce>${nonce.toString('base64')}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`;
}

export interface DecisionEnvelope {
  id?: string;
  caseReference?: string;
  security: string;
  /** Replaces the body element. */
  body?: string;
  /** Put before the envelope (a DOCTYPE, say). */
  prolog?: string;
  /** Replaces the header blocks. */
  headerBlocks?: string;
}

export function decisionEnvelope(e: DecisionEnvelope): string {
  const id = e.id ?? randomUUID();
  const caseReference = e.caseReference ?? 'REP-MAD-2026-000001';
  const header = e.headerBlocks ?? `<h:client>MI/ETATCIVIL</h:client><h:service>MAEC/ECONSULAT/NotifyBurialAuthorisationDecision</h:service><h:id>${id}</h:id>`
    + `<h:userId>MI-SYSTEM</h:userId><h:issue>${caseReference}</h:issue><h:protocolVersion>1.0</h:protocolVersion>`;
  const body = e.body ?? `<cb:NotifyBurialAuthorisationDecision><cb:ticket>MI-INH-2026-000001</cb:ticket><cb:caseReference>${caseReference}</cb:caseReference>`
    + '<cb:decision>GRANTED</cb:decision><cb:authorisationNumber>AI-351041-2026-00001</cb:authorisationNumber></cb:NotifyBurialAuthorisationDecision>';
  return `${e.prolog ?? '<?xml version="1.0" encoding="UTF-8"?>'}<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:h="urn:ma:gov:xchg:header:v1" xmlns:cb="urn:ma:consulat:callback:v1">`
    + `<s:Header>${header}${e.security}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

export interface RawReply { status: number; body: string; headers: Record<string, string | string[] | undefined> }

export function postXml(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(data.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

export function getText(url: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The fault detail code of a SOAP answer, read with a regex (the test must not trust our own parser). */
export function faultCodeOf(xml: string): string | undefined {
  return /<(?:\w+:)?code>([^<]*)<\/(?:\w+:)?code>/.exec(xml)?.[1];
}
