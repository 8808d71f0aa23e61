/**
 * XSD validation with libxml2 (xmllint-wasm). A validation error names the element (and, for a document
 * the hub built, the field path), never the value: values are personal data. libxml2's own messages quote
 * values and source lines, so they are rewritten from a short list of known shapes, and anything else
 * becomes a generic reason.
 */
import { readFile } from 'node:fs/promises';
import { validateXML, type XMLValidationError } from 'xmllint-wasm';
import type { FieldError } from '../../broker/errors';

export interface XsdDocument {
  /** Name used in error locations, e.g. `answer.xml`; no personal data. */
  name: string;
  xml: string;
  /** Line number → field path (`/Defunt/DateNaissance`), for documents the hub built one element a line. */
  linePaths?: ReadonlyMap<number, string>;
}

export interface XsdResult {
  valid: boolean;
  errors: FieldError[];
}

export class XsdSchema {
  private constructor(private readonly fileName: string, private readonly contents: string) {}

  static async load(path: string): Promise<XsdSchema> {
    return new XsdSchema(path.split(/[\\/]/).pop() ?? 'schema.xsd', await readFile(path, 'utf8'));
  }

  static fromText(fileName: string, contents: string): XsdSchema {
    return new XsdSchema(fileName, contents);
  }

  /** Validates several documents in one libxml2 run (one WebAssembly start), one result each, in order. */
  async validateAll(documents: readonly XsdDocument[]): Promise<XsdResult[]> {
    if (documents.length === 0) return [];
    const names = documents.map((d, i) => `doc${i}.xml`);
    const outcome = await validateXML({
      xml: documents.map((d, i) => ({ fileName: names[i], contents: d.xml })),
      schema: [{ fileName: this.fileName, contents: this.contents }],
    });
    const results: XsdResult[] = documents.map(() => ({ valid: true, errors: [] }));
    for (const error of outcome.errors) {
      const index = error.loc ? names.indexOf(error.loc.fileName) : names.findIndex((n) => error.rawMessage.startsWith(`${n} `));
      if (index < 0) continue;
      results[index].valid = false;
      const described = describeError(error, documents[index]);
      if (described) results[index].errors.push(described);
    }
    for (const result of results) {
      if (!result.valid && result.errors.length === 0) result.errors.push({ path: '/', message: 'does not match the schema' });
    }
    return results;
  }

  async validate(document: XsdDocument): Promise<XsdResult> {
    const [result] = await this.validateAll([document]);
    return result;
  }
}

const localName = (qualified: string): string => qualified.replace(/\{[^}]*\}/g, '');

/** libxml2's message reduced to element names and the rule broken; null for "fails to validate" lines. */
export function describeError(error: XMLValidationError, document: XsdDocument): FieldError | null {
  const message = error.message;
  if (/fails to validate$/.test(error.rawMessage)) return null;
  const line = error.loc?.lineNumber;
  const element = /Element '([^']+)'(?:, attribute '([^']+)')?:/.exec(message);
  const builtPath = line !== undefined ? document.linePaths?.get(line) : undefined;
  let path = builtPath ?? (element ? `${localName(element[1])}${element[2] ? `/@${element[2]}` : ''}` : '/');
  if (builtPath && element?.[2]) path += `/@${element[2]}`;
  if (!message.startsWith('Schemas validity error')) {
    // A parser error: libxml2 quotes the source line, which may hold personal data.
    return { path: line !== undefined ? `line ${line}` : '/', message: 'is not well-formed XML' };
  }
  return { path, message: reasonOf(message) };
}

function reasonOf(message: string): string {
  const expected = /Expected is (?:one of )?\( ([^)]*) \)/.exec(message);
  const names = expected ? expected[1].split(',').map((n) => localName(n.trim())).join(', ') : undefined;
  if (message.includes('This element is not expected')) return names ? `is not expected here (expected: ${names})` : 'is not expected here';
  if (message.includes('Missing child element')) return `lacks a required child element${names ? ` (expected: ${names})` : ''}`;
  const facet = /\[facet '([A-Za-z]+)'\]/.exec(message);
  if (facet) return `breaks the ${facet[1]} rule of its type`;
  if (message.includes('is not a valid value of')) return 'is not a valid value for its type';
  if (message.includes("attribute") && message.includes('is required but missing')) return 'lacks a required attribute';
  if (message.includes('No matching global declaration')) return 'is not an element of this schema';
  return 'does not match the schema';
}
