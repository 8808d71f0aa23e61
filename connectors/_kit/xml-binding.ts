/**
 * One binding for partner XML, read and written, with the safety fixed here rather than left to each caller
 * (DESIGN.md §9: "fast-xml-parser leaves numeric character references undecoded unless told otherwise, and its
 * entity limits must be set explicitly"). Only the attribute spelling, the always-array elements and the limits
 * vary per caller; what is refused never does.
 *
 * Reading:
 * - the document is refused before any parsing when it is larger than `maxBytes`, declares a DOCTYPE or an ENTITY
 *   (no DTD, hence no external entity — XXE — and no entity expansion — billion laughs — can ever be processed),
 *   or holds a character XML does not allow;
 * - it must be well-formed (fast-xml-parser's validator, plus the checks it lacks: `<` in an attribute value, a lone
 *   `&`, one root element);
 * - fast-xml-parser's entity processing is off, and every one of its entity limits is still set explicitly (to the
 *   smallest it accepts) so that a later version turning it on by default expands nothing;
 * - text and attributes are decoded here, once: the five predefined entities and numeric character references,
 *   decimal and hex, to characters XML allows (Health writes Arabic names as `&#1582;…`); any other `&name;` is an
 *   undeclared entity, so the document is not well-formed: refused. CDATA content is taken literally;
 * - values stay strings (no number guessing: `007` stays `007`, `1e3` stays `1e3`); text is trimmed;
 * - the root's namespace is checked against the one the caller expects, then prefixes are removed (two prefixes
 *   bound to the same namespace read the same) and `xmlns` attributes are dropped;
 * - elements named in `arrays` are always arrays: one element is an array of one, and with `Parent/Name` an absent
 *   `Name` under a present `Parent` is an empty array;
 * - a leading byte order mark is tolerated; line ends are normalised as XML says (CR LF and CR become LF).
 * Errors (`UnsafeXmlError`) say what rule was broken and where (line), never what the document holds: partner
 * documents carry personal data.
 *
 * Writing: the XML declaration (UTF-8), then the root; text and attributes escaped (CR, and TAB/LF in attributes,
 * as character references so they survive a reader's normalisation); element and attribute names checked, so no
 * key can inject markup (no DOCTYPE, comment or processing instruction is ever written).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export class UnsafeXmlError extends Error {}

export interface XmlBindingOptions {
  /** How attributes are spelt in the tree, e.g. `@` (`@id`) or `@_` (`@_id`). Must not look like an element name. */
  attributePrefix: string;
  /** Elements that are always arrays: `Name` (anywhere) or `Parent/Name` (under Parent, and `[]` when absent there). */
  arrays?: readonly string[];
  /** Elements nested deeper than this (the root is depth 1) refuse the document. Default 32. */
  maxDepth?: number;
  /** Documents larger than this (UTF-8 bytes) are refused before parsing. Default 16 MiB. */
  maxBytes?: number;
  /** The namespace the root element must be in; unchecked when absent. */
  namespace?: string;
}

export interface ParsedXml {
  /** Local name of the root element. */
  root: string;
  /** Namespace of the root element, as declared in the document. */
  namespace: string | undefined;
  /** The root's content: child elements by local name, attributes by prefix + local name, text as `#text`. */
  content: Record<string, unknown>;
}

export interface BuildOptions {
  /** Declared as the default namespace (`xmlns`) on the root. */
  namespace?: string;
}

export interface XmlBinding {
  /** Reads a partner document; `namespace` overrides the binding's expected root namespace for this call. */
  parse(xml: string, options?: { namespace?: string }): ParsedXml;
  /** Writes a document: `<?xml version="1.0" encoding="UTF-8"?>` and the root element holding `content`. */
  build(root: string, content: Record<string, unknown>, options?: BuildOptions): string;
}

const DEFAULT_MAX_DEPTH = 32;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const TEXT = '#text';
const CDATA = '#cdata';
const DTD = /<!DOCTYPE|<!ENTITY/i;
/** Characters XML 1.0 does not allow, raw: C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, unpaired surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);|&/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const QNAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** Decodes the predefined entities and numeric character references; anything else refuses the document. */
export function decodeXmlText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (_match, ref: string | undefined) => {
    if (ref === undefined) throw new UnsafeXmlError('a lone "&" (not a reference)');
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isSafeInteger(code) || !isXmlChar(code)) throw new UnsafeXmlError('invalid character reference');
      return String.fromCodePoint(code);
    }
    const predefined = PREDEFINED[ref];
    // The entity's name is not quoted: it comes from the document.
    if (predefined === undefined) throw new UnsafeXmlError('undeclared entity (only the five predefined entities are known)');
    return predefined;
  });
}

/** An attribute value: raw whitespace normalised to spaces (XML §3.3.3), references decoded, `<` refused. */
function decodeAttribute(raw: string): string {
  if (raw.includes('<')) throw new UnsafeXmlError('not well-formed XML ("<" in an attribute value)');
  return decodeXmlText(raw.replace(/[\t\n]/g, ' '));
}

/** Refuses what XML 1.0 cannot carry (controls, U+FFFE/U+FFFF, unpaired surrogates). */
function assertXmlChars(text: string): void {
  if (FORBIDDEN_CHAR.test(text)) throw new UnsafeXmlError('a character XML does not allow');
}

/** Text content escaped; CR as a reference (a reader would turn a raw one into LF). */
export function escapeXmlText(text: string): string {
  assertXmlChars(text);
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Attribute value escaped for either quote; TAB, LF and CR as references (a reader turns raw ones into spaces). */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

export interface RootElement {
  prefix: string | undefined;
  local: string;
  namespace: string | undefined;
}

/**
 * The root element's name and namespace, read from its start tag (after the prolog: declaration, processing
 * instructions, comments). Meant for a document already checked well-formed; undefined when no start tag is found.
 */
export function readRootElement(xml: string): RootElement | undefined {
  let at = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (at < xml.length && /\s/.test(xml[at])) at++;
    const close = xml.startsWith('<?', at) ? '?>' : xml.startsWith('<!--', at) ? '-->' : undefined;
    if (close === undefined) break;
    const end = xml.indexOf(close, at);
    if (end < 0) return undefined;
    at = end + close.length;
  }
  const start = /<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/y;
  start.lastIndex = at;
  const tag = start.exec(xml);
  if (!tag) return undefined;
  const [prefix, local] = tag[1].includes(':') ? tag[1].split(':', 2) : [undefined, tag[1]];
  const declaration = prefix === undefined ? 'xmlns' : `xmlns:${prefix}`;
  let namespace: string | undefined;
  for (const attribute of tag[2].matchAll(/\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    if (attribute[1] === declaration) namespace = decodeAttribute(attribute[2] ?? attribute[3] ?? '');
  }
  return { prefix, local, namespace };
}

/** The parsed tree: references decoded, CDATA merged, depth checked, `Parent/Name` arrays filled. */
class TreeNormaliser {
  constructor(private readonly attributePrefix: string, private readonly maxDepth: number, private readonly requiredArrays: Map<string, string[]>) {}

  element(name: string, value: unknown, depth: number): unknown {
    if (depth > this.maxDepth) throw new UnsafeXmlError(`nested deeper than ${this.maxDepth} elements`);
    const required = this.requiredArrays.get(name);
    if (typeof value === 'string') {
      const text = decodeXmlText(value);
      if (!required) return text;
      const out: Record<string, unknown> = text === '' ? {} : { [TEXT]: text };
      for (const child of required) out[child] = [];
      return out;
    }
    if (typeof value !== 'object' || value === null) return value;
    const node = value as Record<string, unknown>;
    const cdata = node[CDATA];
    if (cdata !== undefined) {
      // The parser keeps text and CDATA apart and loses their order: an element mixing both cannot be read faithfully.
      if (node[TEXT] !== undefined) throw new UnsafeXmlError('an element mixes text and CDATA (not supported)');
      delete node[CDATA];
      // CDATA is literal: escaped here so that the decoding below gives it back unchanged.
      node[TEXT] = (Array.isArray(cdata) ? cdata : [cdata]).map((piece) => escapeXmlText(String(piece))).join('');
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === TEXT) node[key] = decodeXmlText(String(child));
      else if (key.startsWith(this.attributePrefix)) node[key] = decodeAttribute(String(child));
      else node[key] = Array.isArray(child) ? child.map((item) => this.element(key, item, depth + 1)) : this.element(key, child, depth + 1);
    }
    for (const child of required ?? []) if (node[child] === undefined) node[child] = [];
    // An element holding only CDATA reads like one holding only text.
    if (cdata !== undefined && Object.keys(node).length === 1) return node[TEXT];
    return node;
  }
}

export function createXmlBinding(options: XmlBindingOptions): XmlBinding {
  const prefix = options.attributePrefix;
  // The prefix keeps attributes apart from child elements and from `#text`.
  if (prefix === '' || /^[A-Za-z_:#]/.test(prefix)) throw new Error(`attributePrefix "${prefix}" could be read as an element name or text`);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const anywhere = new Set<string>();
  const underParent = new Set<string>();
  const requiredArrays = new Map<string, string[]>();
  for (const entry of options.arrays ?? []) {
    const [parent, name] = entry.includes('/') ? entry.split('/', 2) : [undefined, entry];
    if (parent === undefined) { anywhere.add(name); continue; }
    underParent.add(`${parent}.${name}`);
    requiredArrays.set(parent, [...(requiredArrays.get(parent) ?? []), name]);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: prefix,
    textNodeName: TEXT,
    cdataPropName: CDATA,
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    allowBooleanAttributes: false,
    htmlEntities: false,
    // Off, and every limit at the smallest the library accepts (it raises 0 to 1), should a later version enable it.
    processEntities: { enabled: false, maxEntitySize: 1, maxEntityCount: 1, maxTotalExpansions: 1, maxExpandedLength: 1, maxExpansionDepth: 1 },
    // A guard for the parser's own recursion; the exact depth rule is the normaliser's.
    maxNestedTags: maxDepth + 1,
    // Decoding is done after parsing (CDATA passes through the value processors and must stay literal).
    tagValueProcessor: (_name, value) => value,
    attributeValueProcessor: (_name, value) => value,
    jPath: true,
    isArray: (name, jPath, _leaf, isAttribute) => {
      if (isAttribute || name === CDATA || !String(jPath).includes('.')) return false;
      if (anywhere.has(name)) return true;
      const path = String(jPath).split('.');
      return underParent.has(`${path[path.length - 2]}.${name}`);
    },
  });
  const normaliser = new TreeNormaliser(prefix, maxDepth, requiredArrays);
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: prefix, textNodeName: TEXT, processEntities: false,
    suppressEmptyNode: true, suppressBooleanAttributes: false, format: false });

  function parse(xml: string, call: { namespace?: string } = {}): ParsedXml {
    if (Buffer.byteLength(xml, 'utf8') > maxBytes) throw new UnsafeXmlError(`larger than ${maxBytes} bytes`);
    if (DTD.test(xml)) throw new UnsafeXmlError('a DTD (DOCTYPE or ENTITY) is not allowed');
    const text = xml.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    assertXmlChars(text);
    const wellFormed = XMLValidator.validate(text, { allowBooleanAttributes: false });
    // The validator's own message quotes characters of the document: only its code and line are kept.
    if (wellFormed !== true) throw new UnsafeXmlError(`not well-formed XML (${wellFormed.err.code} at line ${wellFormed.err.line})`);
    const rootTag = readRootElement(text);
    if (!rootTag) throw new UnsafeXmlError('not well-formed XML (no root element)');
    const expected = call.namespace ?? options.namespace;
    if (expected !== undefined && rootTag.namespace !== expected) {
      throw new UnsafeXmlError(`the root element is ${rootTag.namespace === undefined ? 'in no namespace' : 'in another namespace'}, expected ${expected}`);
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = parser.parse(text) as Record<string, unknown>;
    } catch (error) {
      // The library's messages may quote the document: replaced by the rule broken.
      const message = error instanceof Error ? error.message : '';
      if (/nested tags/i.test(message)) throw new UnsafeXmlError(`nested deeper than ${maxDepth} elements`);
      if (/SECURITY/.test(message)) throw new UnsafeXmlError('an element or attribute name reserved by JavaScript (__proto__, constructor…)');
      throw new UnsafeXmlError('not well-formed XML (refused by the parser)');
    }
    const roots = Object.keys(parsed).filter((key) => !key.startsWith('?'));
    if (roots.length !== 1 || Array.isArray(parsed[roots[0]])) throw new UnsafeXmlError('not exactly one root element');
    const root = roots[0];
    const value = normaliser.element(root, parsed[root], 1);
    const content = typeof value === 'object' && value !== null ? value as Record<string, unknown> : value === '' ? {} : { [TEXT]: value };
    return { root, namespace: rootTag.namespace, content };
  }

  function escapedTree(name: string, value: unknown, path: string): unknown {
    if (!QNAME.test(name)) throw new UnsafeXmlError(`${path}: "${name.slice(0, 40)}" is not an XML element name`);
    if (Array.isArray(value)) {
      if (value.some(Array.isArray)) throw new UnsafeXmlError(`${path}: an array of arrays has no XML form`);
      return value.filter((item) => item !== null && item !== undefined).map((item, i) => escapedTree(name, item, `${path}/${i}`));
    }
    if (typeof value !== 'object' || value === null) return escapeXmlText(scalar(value, path));
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (child === null || child === undefined) continue;
      if (key === TEXT) out[key] = escapeXmlText(scalar(child, `${path}/${key}`));
      else if (key.startsWith(prefix)) {
        if (!QNAME.test(key.slice(prefix.length))) throw new UnsafeXmlError(`${path}: "${key.slice(0, 40)}" is not an XML attribute name`);
        out[key] = escapeXmlAttribute(scalar(child, `${path}/${key}`));
      } else out[key] = escapedTree(key, child, `${path}/${key}`);
    }
    return out;
  }

  function build(root: string, content: Record<string, unknown>, call: BuildOptions = {}): string {
    const tree = escapedTree(root, content, '') as Record<string, unknown>;
    // The namespace declaration first, as partners' own documents write it.
    const rooted = call.namespace === undefined ? tree : { [`${prefix}xmlns`]: escapeXmlAttribute(call.namespace), ...tree };
    return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: rooted }) as string}`;
  }

  return { parse, build };
}

function scalar(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new UnsafeXmlError(`${path}: a ${typeof value === 'number' ? 'non-finite number' : typeof value} has no XML text form`);
}
