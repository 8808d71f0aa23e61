/**
 * SOAP 1.1 envelopes with the common header block of the Moroccan government exchange
 * (`urn:ma:gov:xchg:header:v1`): client, service, id, userId, issue, protocolVersion on requests;
 * id and requestHash (base64 SHA-512 of the request body as received) added on responses.
 * Shared by the client (requests out, answers in) and the callback server (requests in, answers out).
 */
import { createHash } from 'node:crypto';
import { readRootElement } from '../_kit/xml-binding';
import { child, escapeXml, findDeep, text, toPlain, type XmlNode, type XmlValue } from './xml';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const HEADER_NS = 'urn:ma:gov:xchg:header:v1';
export const PROTOCOL_VERSION = '1.0';

export interface ExchangeHeader {
  client: string;
  service: string;
  /** Message UUID, stable across retries. */
  id: string;
  userId: string;
  /** Case reference of the request the message serves. */
  issue: string;
  protocolVersion: string;
}

export interface ResponseHeader {
  id: string;
  requestHash: string;
}

export function requestHash(body: Buffer | string): string {
  return createHash('sha512').update(body).digest('base64');
}

function headerBlocks(fields: Record<string, string>): string {
  return Object.entries(fields).map(([name, value]) => `<hdr:${name}>${escapeXml(value)}</hdr:${name}>`).join('');
}

/** A request or response envelope; `bodyXml` is the body element, already serialised in prefix `tns`. */
export function envelope(targetNamespace: string, header: Record<string, string>, extraHeaderXml: string, bodyXml: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>'
    + `<soap:Envelope xmlns:soap="${SOAP_ENV_NS}" xmlns:hdr="${HEADER_NS}" xmlns:tns="${escapeXml(targetNamespace)}">`
    + `<soap:Header>${headerBlocks(header)}${extraHeaderXml}</soap:Header>`
    + `<soap:Body>${bodyXml}</soap:Body></soap:Envelope>`;
}

export function requestHeaderFields(header: ExchangeHeader): Record<string, string> {
  return { client: header.client, service: header.service, id: header.id, userId: header.userId, issue: header.issue, protocolVersion: header.protocolVersion };
}

export interface FaultSpec {
  /** `Client` (the sender must change the message) or `Server` (try again later). */
  faultcode: 'Client' | 'Server';
  faultstring: string;
  /** Detail code, e.g. VALIDATION, DUPLICATE_MESSAGE, UNAVAILABLE. */
  code: string;
  ticket?: string;
  fields?: string[];
}

export function faultBody(targetNamespace: string, fault: FaultSpec): string {
  const fields = fault.fields && fault.fields.length > 0 ? `<tns:fields>${fault.fields.map((f) => `<tns:field>${escapeXml(f)}</tns:field>`).join('')}</tns:fields>` : '';
  const ticket = fault.ticket === undefined ? '' : `<tns:ticket>${escapeXml(fault.ticket)}</tns:ticket>`;
  return `<soap:Fault><faultcode>soap:${fault.faultcode}</faultcode><faultstring>${escapeXml(fault.faultstring)}</faultstring>`
    + `<detail><tns:fault xmlns:tns="${escapeXml(targetNamespace)}"><tns:code>${escapeXml(fault.code)}</tns:code>${ticket}${fields}</tns:fault></detail></soap:Fault>`;
}

export interface ParsedEnvelope {
  header: XmlNode;
  /** Local name of the first body element (`Fault` for a fault). */
  bodyName: string | undefined;
  bodyElement: XmlValue | undefined;
}

/**
 * True when the root element is an `Envelope` in the SOAP 1.1 namespace (a SOAP 1.2 envelope is not).
 * Read from the root's start tag, because the parser drops namespace declarations along with prefixes.
 */
export function isSoap11Envelope(xml: string): boolean {
  const root = readRootElement(xml);
  return root?.local === 'Envelope' && root.namespace === SOAP_ENV_NS;
}

/** Splits a parsed document into header and the single body element; null when it has no envelope and body. */
export function splitEnvelope(doc: XmlNode): ParsedEnvelope | null {
  const env = child(doc, 'Envelope');
  if (env === undefined || typeof env === 'string' || Array.isArray(env)) return null;
  const body = child(env, 'Body');
  if (body === undefined || Array.isArray(body)) return null;
  const headerNode = child(env, 'Header');
  const header = typeof headerNode === 'object' && !Array.isArray(headerNode) ? headerNode : {};
  const names = typeof body === 'string' ? [] : Object.keys(body).filter((k) => !k.startsWith('@_') && k !== '#text');
  return { header, bodyName: names[0], bodyElement: names[0] === undefined ? undefined : child(body, names[0]) };
}

export interface ParsedFault {
  faultcode: string;
  faultstring: string;
  code?: string;
  ticket?: string;
  fields: string[];
}

export function readFault(fault: XmlValue | undefined): ParsedFault {
  const detail = child(fault, 'detail');
  const fieldsNode = findDeep(detail, 'fields');
  const fieldList = fieldsNode === undefined ? [] : toPlain(fieldsNode);
  const fieldValues = typeof fieldList === 'object' && fieldList !== null && 'field' in fieldList ? (fieldList as { field: unknown }).field : [];
  return {
    // `soap:Client`, `Client.Validation` → `Client`.
    faultcode: (text(child(fault, 'faultcode')) ?? '').split(':').pop()?.split('.')[0] ?? '',
    faultstring: text(child(fault, 'faultstring')) ?? '',
    code: text(findDeep(detail, 'code')),
    ticket: text(findDeep(detail, 'ticket')),
    fields: (Array.isArray(fieldValues) ? fieldValues : [fieldValues]).filter((f): f is string => typeof f === 'string'),
  };
}

/** Header field values by local name (only simple text blocks). */
export function headerText(header: XmlNode, name: string): string | undefined {
  return text(child(header, name));
}
