/**
 * Builds the XML document of an outbound message from its payload: one element a line, so that an XSD
 * error (which libxml2 reports by line) can be turned back into the payload field it concerns.
 *
 * Payload → XML: an object is an element with child elements in the payload's key order (the mapping
 * writes them in the order of the partner's schema; the XSD check catches a wrong order, naming the
 * field); an array is a wrapper element whose items are elements named by `arrayItems` (or repeated
 * elements of the key's name when it names none); strings, numbers and booleans are text; null and
 * undefined leave the element out. Keys starting with `@` are attributes.
 */
import { HubError } from '../../broker/errors';
import { escapeXmlAttribute } from '../_kit/xml-binding';

export interface BuildOptions {
  root: string;
  namespace?: string;
  /** Wrapper element name → item element name, e.g. `{ Pieces: 'Piece' }`. */
  arrayItems?: Record<string, string>;
  /** Used in error messages. */
  label: string;
}

export interface BuiltDocument {
  xml: string;
  /** Line number (1-based) → payload path of the element on that line. */
  linePaths: Map<number, string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/**
 * Escapes for text and attribute values alike (the shared binding's attribute rules: quotes, and TAB/LF/CR as
 * references); characters XML 1.0 cannot carry at all are refused rather than silently dropped.
 */
export function escapeXml(text: string): string {
  return escapeXmlAttribute(text);
}

export function buildXmlDocument(content: Record<string, unknown>, options: BuildOptions): BuiltDocument {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const linePaths = new Map<number, string>();
  const fail = (path: string, why: string): never => {
    throw new HubError('VALIDATION_FAILED', `${options.label}: payload field ${path} ${why}`, { errors: [{ path, message: why }] });
  };

  const scalarText = (value: unknown, path: string): string | undefined => {
    if (typeof value === 'string') {
      try { return escapeXml(value); } catch { return fail(path, 'contains a character XML cannot carry'); }
    }
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : fail(path, 'is not a finite number');
    if (typeof value === 'boolean') return String(value);
    return undefined;
  };

  const element = (name: string, value: unknown, path: string, depth: number, rootAttrs = ''): void => {
    if (!NAME.test(name)) fail(path, 'is not a valid XML element name');
    if (value === null || value === undefined) return;
    const indent = '  '.repeat(depth);
    const text = scalarText(value, path);
    if (text !== undefined) {
      lines.push(`${indent}<${name}${rootAttrs}>${text}</${name}>`);
      linePaths.set(lines.length, path);
      return;
    }
    if (Array.isArray(value)) {
      const item = options.arrayItems?.[name];
      if (item === undefined) {
        value.forEach((entry, i) => element(name, entry, `${path}/${i}`, depth));
        return;
      }
      lines.push(`${indent}<${name}${rootAttrs}>`);
      linePaths.set(lines.length, path);
      value.forEach((entry, i) => element(item, entry, `${path}/${i}`, depth + 1));
      lines.push(`${indent}</${name}>`);
      return;
    }
    if (typeof value !== 'object') return fail(path, 'has a type XML cannot carry');
    const entries = Object.entries(value as Record<string, unknown>);
    let attrs = rootAttrs;
    for (const [key, attr] of entries.filter(([k]) => k.startsWith('@'))) {
      const attrText = scalarText(attr, `${path}/${key}`);
      if (!NAME.test(key.slice(1)) || attrText === undefined) fail(`${path}/${key}`, 'is not a valid attribute');
      attrs += ` ${key.slice(1)}="${attrText}"`;
    }
    const children = entries.filter(([k]) => !k.startsWith('@'));
    if (children.length === 0) {
      lines.push(`${indent}<${name}${attrs}/>`);
      linePaths.set(lines.length, path);
      return;
    }
    lines.push(`${indent}<${name}${attrs}>`);
    linePaths.set(lines.length, path);
    for (const [key, child] of children) element(key, child, `${path}/${key}`, depth + 1);
    lines.push(`${indent}</${name}>`);
  };

  const xmlns = options.namespace ? ` xmlns="${escapeXml(options.namespace)}"` : '';
  element(options.root, content, '', 0, xmlns);
  // The root's own line maps to "/" rather than "".
  for (const [line, path] of linePaths) if (path === '') linePaths.set(line, '/');
  return { xml: `${lines.join('\n')}\n`, linePaths };
}
