/**
 * Reading XML from a partner without trusting it: the XML-over-HTTP connector's spelling of the shared binding
 * (connectors/_kit/xml-binding.ts), which fixes what is refused (DOCTYPE/ENTITY, undeclared entities, lone `&`,
 * characters XML does not allow, documents too deep or too large) and decodes the predefined entities and numeric
 * character references (Health writes Arabic names as `&#1575;…`). Here attributes are `@name`, text is `#text`,
 * values stay strings, namespace prefixes are removed (after the root's namespace is checked when the caller names
 * it; the XSD checks the rest) and the listed elements are always arrays.
 */
import { createXmlBinding, decodeXmlText, UnsafeXmlError, type XmlBinding } from '../_kit/xml-binding';

export { decodeXmlText, UnsafeXmlError };

/** How attributes are spelt in this connector's trees (and in the mappings written for its partners). */
export const XML_HTTP_ATTRIBUTE_PREFIX = '@';

export interface SafeXmlOptions {
  /** Element names (local, without prefix) that are always arrays, even with one item; `Parent/Name` adds `[]` when absent. */
  arrays?: readonly string[];
  /** Depth beyond which the document is refused (the root is depth 1). Default 32. */
  maxDepth?: number;
  /** Size beyond which the document is refused (UTF-8 bytes). Default 16 MiB. */
  maxBytes?: number;
  /** Namespace the root element must be in; unchecked when absent. */
  namespace?: string;
}

export interface ParsedXml {
  /** Local name of the root element. */
  root: string;
  /** The root element's content: child elements by local name, attributes as `@name`, text as `#text`. */
  content: Record<string, unknown>;
}

/** One binding per distinct option set (an operation's arrays), built on first use. */
const bindings = new Map<string, XmlBinding>();

function bindingFor(options: SafeXmlOptions): XmlBinding {
  const key = JSON.stringify([options.arrays ?? [], options.maxDepth, options.maxBytes]);
  let binding = bindings.get(key);
  if (!binding) {
    binding = createXmlBinding({ attributePrefix: XML_HTTP_ATTRIBUTE_PREFIX, arrays: options.arrays, maxDepth: options.maxDepth, maxBytes: options.maxBytes });
    bindings.set(key, binding);
  }
  return binding;
}

/** Refuses DOCTYPE/ENTITY declarations; call before handing the text to any XML tool. */
export function assertNoDoctype(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new UnsafeXmlError('a DTD (DOCTYPE or ENTITY) is not allowed');
}

export function parseXmlSafely(xml: string, options: SafeXmlOptions = {}): ParsedXml {
  const { root, content } = bindingFor(options).parse(xml, { namespace: options.namespace });
  return { root, content };
}

