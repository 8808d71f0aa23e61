/**
 * The Interior sandbox's own SOAP 1.1 plumbing (it shares no code with connectors/: a misreading on
 * one side must not be mirrored on the other). Envelopes in, envelopes and faults out, the common
 * header block and WS-Security UsernameToken with PasswordDigest, both directions.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FaultSwitches } from './faults';
import { BodyTooLargeError, readBody } from './http';
import type { ReceivedLog } from './received-log';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  hdr: 'urn:ma:gov:xchg:header:v1',
  burial: 'urn:ma:interieur:inhumation:v1',
  callback: 'urn:ma:consulat:callback:v1',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
} as const;
const DIGEST_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';

export type Tree = { [key: string]: unknown };

export class BadXml extends Error {}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decode(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_all, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(cp > 0 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) throw new BadXml('bad character reference');
      return String.fromCodePoint(cp);
    }
    if (!(ref in ENTITIES)) throw new BadXml('undeclared entity');
    return ENTITIES[ref];
  });
}

const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false,
  processEntities: false, htmlEntities: false, trimValues: true,
  tagValueProcessor: (_n: string, v: string) => decode(v), attributeValueProcessor: (_n: string, v: string) => decode(v),
});

export function parseDocument(xml: string): Tree {
  if (/<!(DOCTYPE|ENTITY)/i.test(xml)) throw new BadXml('DTDs are refused');
  if (XMLValidator.validate(xml) !== true) throw new BadXml('not well-formed');
  return parser.parse(xml.replace(/^\uFEFF/, '')) as Tree;
}

export function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A child element by local name (first one if repeated). */
export function get(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const value = (node as Tree)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every child element of that name. */
export function getAll(node: unknown, name: string): unknown[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
  const value = (node as Tree)[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function str(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && node !== null && typeof (node as Tree)['#text'] === 'string') return (node as Tree)['#text'] as string;
  return undefined;
}

export interface Incoming {
  header: Tree;
  bodyName: string | undefined;
  body: unknown;
}

export function readEnvelope(doc: Tree): Incoming | null {
  const env = get(doc, 'Envelope');
  const body = get(env, 'Body');
  if (body === undefined) return null;
  const header = get(env, 'Header');
  const names = typeof body === 'object' && body !== null ? Object.keys(body).filter((k) => !k.startsWith('@') && k !== '#text') : [];
  return { header: (typeof header === 'object' && header !== null ? header : {}) as Tree, bodyName: names[0], body: names[0] ? get(body, names[0]) : undefined };
}

export interface Credentials { username: string; password: string }

function digest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(nonce).update(created).update(password).digest('base64');
}

export function securityHeader(credentials: Credentials): string {
  const nonce = randomBytes(16);
  const created = new Date().toISOString();
  return `<wsse:Security xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}">`
    + `<wsse:UsernameToken><wsse:Username>${esc(credentials.username)}</wsse:Username>`
    + `<wsse:Password Type="${DIGEST_TYPE}">${digest(nonce, created, credentials.password)}</wsse:Password>`
    + `<wsse:Nonce>${nonce.toString('base64')}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`;
}

const CREATED_WINDOW_MS = 5 * 60_000;

/** Checks the caller's UsernameToken; `seen` holds nonces (with their expiry) to refuse replays. */
export function authenticate(header: Tree, credentials: Credentials, seen: Map<string, number>): boolean {
  const token = get(get(header, 'Security'), 'UsernameToken');
  const password = get(token, 'Password');
  const user = str(get(token, 'Username'));
  const given = str(password);
  const nonce = str(get(token, 'Nonce'));
  const created = str(get(token, 'Created'));
  const type = typeof password === 'object' && password !== null ? (password as Tree)['@Type'] : undefined;
  if (!user || !given || !nonce || !created || type !== DIGEST_TYPE) return false;
  const at = Date.parse(created);
  const now = Date.now();
  if (!/Z$/.test(created) || Number.isNaN(at) || Math.abs(now - at) > CREATED_WINDOW_MS) return false;
  const expected = Buffer.from(digest(Buffer.from(nonce, 'base64'), created, credentials.password));
  const actual = Buffer.from(given);
  if (user !== credentials.username || expected.length !== actual.length || !timingSafeEqual(expected, actual)) return false;
  for (const [key, until] of seen) if (until < now) seen.delete(key);
  if (seen.has(nonce)) return false;
  seen.set(nonce, at + CREATED_WINDOW_MS);
  return true;
}

export function hashOf(raw: Buffer): string {
  return createHash('sha512').update(raw).digest('base64');
}

/** Our answer: the header repeats `id` and adds `requestHash`. */
export function responseEnvelope(id: string | undefined, hash: string | undefined, bodyXml: string): string {
  const header = (id ? `<hdr:id>${esc(id)}</hdr:id>` : '') + (hash ? `<hdr:requestHash>${hash}</hdr:requestHash>` : '');
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${NS.soap}" xmlns:hdr="${NS.hdr}" xmlns:mi="${NS.burial}">`
    + `<soapenv:Header>${header}</soapenv:Header><soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`;
}

export type InteriorFaultCode = 'VALIDATION' | 'DUPLICATE_MESSAGE' | 'UNKNOWN_COMMUNE' | 'UNAVAILABLE' | 'INTERNAL';

export function faultXml(faultcode: string, message: string, code: InteriorFaultCode | 'AUTHENTICATION', extra: { ticket?: string; fields?: string[] } = {}): string {
  const fields = extra.fields?.length ? `<mi:fields>${extra.fields.map((f) => `<mi:field>${esc(f)}</mi:field>`).join('')}</mi:fields>` : '';
  const ticket = extra.ticket ? `<mi:ticket>${esc(extra.ticket)}</mi:ticket>` : '';
  return `<soapenv:Fault><faultcode>${faultcode}</faultcode><faultstring xml:lang="fr">${esc(message)}</faultstring>`
    + `<detail><mi:fault><mi:code>${code}</mi:code>${ticket}${fields}</mi:fault></detail></soapenv:Fault>`;
}

/** A callback envelope to the hub's ConsularCallbackService. */
export function callbackEnvelope(header: { service: string; id: string; issue: string }, credentials: Credentials, bodyXml: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${NS.soap}" xmlns:hdr="${NS.hdr}" xmlns:cb="${NS.callback}">`
    + '<soapenv:Header>'
    + `<hdr:client>MI/ETATCIVIL</hdr:client><hdr:service>${esc(header.service)}</hdr:service><hdr:id>${esc(header.id)}</hdr:id>`
    + `<hdr:userId>MI-SYSTEM</hdr:userId><hdr:issue>${esc(header.issue)}</hdr:issue><hdr:protocolVersion>1.0</hdr:protocolVersion>`
    + securityHeader(credentials)
    + `</soapenv:Header><soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`;
}

/** What every SOAP agency does first with a request: read it (bounded), parse the envelope, log it, play the common faults. */
export interface SoapFrontReply { status: number; body: string; contentType?: string }

export interface SoapFrontRequest {
  raw: Buffer;
  hash: string;
  /** null when the body is not a readable SOAP envelope. */
  env: Incoming | null;
  id?: string;
  issue?: string;
  settle(status: number): void;
}

export interface SoapFrontOptions {
  maxBytes: number;
  path: string;
  received: ReceivedLog;
  faults: FaultSwitches;
  /** The agency's own wording of a body that is too large. */
  tooLarge(): SoapFrontReply;
}

/**
 * Resolves with the request, or with the reply of a common fault (413, injected 503/429); never resolves for an
 * injected timeout (the client has to give up; closing the sandbox ends it).
 */
export async function soapFront(req: IncomingMessage, opts: SoapFrontOptions): Promise<{ request: SoapFrontRequest } | { reply: SoapFrontReply }> {
  let raw: Buffer;
  try {
    raw = Buffer.from(await readBody(req, opts.maxBytes), 'utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError) return { reply: opts.tooLarge() };
    throw err;
  }
  const hash = hashOf(raw);
  let env: Incoming | null;
  try {
    env = readEnvelope(parseDocument(raw.toString('utf8')));
  } catch (err) {
    if (!(err instanceof BadXml)) throw err;
    env = null;
  }
  const id = env ? str(get(env.header, 'id')) : undefined;
  const issue = env ? str(get(env.header, 'issue')) : undefined;
  const entry = opts.received.record({ method: req.method ?? 'POST', path: opts.path, queryKeys: [], messageId: id ?? null, caseReference: issue ?? null });
  if (opts.faults.take('timeout')) {
    opts.received.heldUnanswered(entry);
    return new Promise(() => undefined);
  }
  if (opts.faults.take('fail503')) {
    opts.received.answered(entry, 503, 'fail503');
    return { reply: { status: 503, body: '<html><body>503 Service Unavailable</body></html>', contentType: 'text/html' } };
  }
  if (opts.faults.take('fail429')) {
    opts.received.answered(entry, 429, 'fail429');
    return { reply: { status: 429, body: 'Too Many Requests', contentType: 'text/plain' } };
  }
  return { request: { raw, hash, env, id, issue, settle: (status) => opts.received.answered(entry, status, null) } };
}
