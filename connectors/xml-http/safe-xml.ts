/**
 * Reading XML from a partner without trusting it. fast-xml-parser is configured explicitly rather than
 * left on its defaults (DESIGN.md §9):
 * - a document with a DOCTYPE (or an ENTITY declaration) is refused before parsing: no DTD, hence no
 *   external entity (XXE) and no entity expansion (billion laughs) can ever be processed;
 * - fast-xml-parser's own entity processing is off, and its limits are still set to small values in case
 *   a later version turns it on; text and attributes are decoded here instead, in one pass: the five
 *   predefined entities and numeric character references (`&#1575;`, `&#x627;`), which Health uses for
 *   Arabic names. Any other named entity is undeclared, so the document is not well-formed: refused;
 * - namespace prefixes are removed (the namespace is checked by the XSD, which ran first);
 * - values stay strings (no number guessing: `007` stays `007`); arrays are stable through `isArray`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class UnsafeXmlError extends Error {}

const DOCTYPE = /<!DOCTYPE|<!ENTITY/i;
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);|&/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** Decodes predefined entities and numeric character references; throws on anything else. */
export function decodeXmlText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (match, ref: string | undefined) => {
    if (ref === undefined) throw new UnsafeXmlError('a bare "&" in text');
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isSafeInteger(code) || !isXmlChar(code)) throw new UnsafeXmlError('a character reference to a character XML does not allow');
      return String.fromCodePoint(code);
    }
    const predefined = PREDEFINED[ref];
    if (predefined === undefined) throw new UnsafeXmlError(`an undeclared entity &${ref};`);
    return predefined;
  });
}

export interface SafeXmlOptions {
  /** Element names (local, without prefix) that are always arrays, even with one item or none. */
  arrays?: readonly string[];
  /** Depth beyond which the document is refused. */
  maxDepth?: number;
}

export interface ParsedXml {
  /** Local name of the root element. */
  root: string;
  /** The root element's content: child elements by local name, attributes as `@name`, text as `#text`. */
  content: Record<string, unknown>;
}

/** Refuses DOCTYPE/ENTITY declarations; call before handing the text to any XML tool. */
export function assertNoDoctype(xml: string): void {
  if (DOCTYPE.test(xml)) throw new UnsafeXmlError('a DOCTYPE or ENTITY declaration (refused: no DTD is accepted)');
}

export function parseXmlSafely(xml: string, options: SafeXmlOptions = {}): ParsedXml {
  assertNoDoctype(xml);
  const text = xml.replace(/^\uFEFF/, '');
  const wellFormed = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (wellFormed !== true) throw new UnsafeXmlError(`not well-formed XML (${wellFormed.err.code} at line ${wellFormed.err.line})`);
  const arrays = new Set(options.arrays ?? []);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    allowBooleanAttributes: false,
    processEntities: { enabled: false, maxEntitySize: 0, maxEntityCount: 0, maxTotalExpansions: 0, maxExpandedLength: 0, maxExpansionDepth: 0 },
    htmlEntities: false,
    maxNestedTags: options.maxDepth ?? 32,
    tagValueProcessor: (_name, value) => decodeXmlText(value),
    attributeValueProcessor: (_name, value) => decodeXmlText(value),
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && arrays.has(name),
  });
  const parsed = parser.parse(text) as Record<string, unknown>;
  const roots = Object.keys(parsed).filter((key) => !key.startsWith('?') && !key.startsWith('@'));
  if (roots.length !== 1) throw new UnsafeXmlError('not exactly one root element');
  const root = roots[0];
  const value = parsed[root];
  const content = typeof value === 'object' && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : value === '' || value === undefined ? {} : { '#text': value };
  // xmlns declarations are markup, not content.
  for (const key of Object.keys(content)) if (key === '@xmlns' || key.startsWith('@xmlns:')) delete content[key];
  return { root, content };
}
