/**
 * Safe XML for the SOAP connector, both roles: the SOAP spelling of the shared binding
 * (connectors/_kit/xml-binding.ts), which refuses any DTD before parsing (no external entity, no entity
 * expansion), decodes only the five predefined entities and numeric character references itself (the parser
 * never expands anything), and checks well-formedness, depth and size. Attributes are `@_name` here: the WSDL
 * reader and the mappings of the SOAP partners (Interior, Justice) read them that way.
 */
import { createXmlBinding, decodeXmlText, escapeXmlAttribute, UnsafeXmlError } from '../_kit/xml-binding';

export { decodeXmlText, UnsafeXmlError };

/** A parsed element: text under `#text`, attributes under `@_<name>`, children by local name. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

export const SOAP_ATTRIBUTE_PREFIX = '@_';

/** Escapes for text and attribute values alike; refuses characters XML cannot carry. */
export function escapeXml(text: string): string {
  return escapeXmlAttribute(text);
}

/**
 * Envelopes and WSDLs nest deeper than partner documents (Envelope/Body/operation/…; a WSDL's schema ~13 levels);
 * the size bound is above every endpoint's own limit (the Interior accepts 10 MB), which refuses larger bodies first.
 */
const binding = createXmlBinding({ attributePrefix: SOAP_ATTRIBUTE_PREFIX, maxDepth: 64, maxBytes: 64 * 1024 * 1024 });

/**
 * Parses a document after refusing DTDs and checking well-formedness. Throws `UnsafeXmlError` with a
 * reason that never quotes the document (it may carry personal data). The result is keyed by the root's
 * local name; an element with neither attributes nor children is its text.
 */
export function parseXml(text: string): XmlNode {
  const { root, content } = binding.parse(text);
  const keys = Object.keys(content);
  if (keys.length === 0) return { [root]: '' };
  if (keys.length === 1 && keys[0] === '#text') return { [root]: content['#text'] as string };
  return { [root]: content as XmlNode };
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
