/**
 * Safe XML for the SOAP connector, both roles. A document with a DTD is refused before any parsing
 * (no DOCTYPE means no external entity and no entity expansion); only the five predefined entities
 * and numeric character references are decoded, by us, so the parser never expands anything.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class UnsafeXmlError extends Error {}

/** A parsed element: text under `#text`, attributes under `@_<name>`, children by local name. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes predefined entities and character references; any other `&name;` is refused. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][\w.-]*);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return codePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return codePoint(Number.parseInt(ref.slice(1), 10));
    const value = PREDEFINED[ref];
    if (value === undefined) throw new UnsafeXmlError(`undeclared entity &${ref};`);
    return value;
  });
}

function codePoint(n: number): string {
  if (!Number.isInteger(n) || n <= 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) throw new UnsafeXmlError('invalid character reference');
  return String.fromCodePoint(n);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  tagValueProcessor: (_name: string, value: string) => decodeXmlText(value),
  attributeValueProcessor: (_name: string, value: string) => decodeXmlText(value),
});

/**
 * Parses a document after refusing DTDs and checking well-formedness. Throws `UnsafeXmlError` with a
 * reason that never quotes the document (it may carry personal data).
 */
export function parseXml(text: string): XmlNode {
  const body = text.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(body) || /<!ENTITY/i.test(body)) throw new UnsafeXmlError('a DTD (DOCTYPE or ENTITY) is not allowed');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new UnsafeXmlError(`not well-formed XML (line ${valid.err.line}: ${valid.err.code})`);
  return parser.parse(body) as XmlNode;
}

/** First child named `name` (local name), or undefined. */
export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const value = node[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The text of an element (string content, or `#text` of an element with attributes). */
export function text(node: XmlValue | undefined): string | undefined {
  if (typeof node === 'string') return node;
  if (node === undefined || Array.isArray(node)) return undefined;
  const value = node['#text'];
  return typeof value === 'string' ? value : node && Object.keys(node).length === 0 ? '' : undefined;
}

/** Depth-first search for the first element named `name`. */
export function findDeep(node: XmlValue | undefined, name: string): XmlValue | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findDeep(item, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.hasOwn(node, name)) return child(node, name);
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text') continue;
    const found = findDeep(value, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** An element tree as plain JSON: attributes dropped, text as strings, repeated elements as arrays. */
export function toPlain(node: XmlValue): unknown {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_')) continue;
    if (key === '#text') {
      if (Object.keys(node).every((k) => k === '#text' || k.startsWith('@_'))) return value;
      continue;
    }
    out[key] = toPlain(value);
  }
  return out;
}

/**
 * Serialises a JSON payload as XML elements in one namespace prefix, in key order (the mapping
 * produces the order of the XSD sequence). Arrays become repeated elements; null/undefined are left out.
 */
export function toXmlElements(value: Record<string, unknown>, prefix: string): string {
  let out = '';
  for (const [name, item] of Object.entries(value)) {
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new UnsafeXmlError(`field name "${name.slice(0, 40)}" is not an XML name`);
    for (const one of Array.isArray(item) ? item : [item]) {
      if (one === null || one === undefined) continue;
      const tag = `${prefix}:${name}`;
      if (typeof one === 'object') out += `<${tag}>${toXmlElements(one as Record<string, unknown>, prefix)}</${tag}>`;
      else out += `<${tag}>${escapeXml(String(one))}</${tag}>`;
    }
  }
  return out;
}
