/**
 * The Ministry's side of XML: reading a request document (no DTD accepted, XSD checked with the
 * agency's own schema copy) and writing answers, Arabic text as numeric character references the way
 * the Ministry's system does. Written apart from connectors/ on purpose: the sandbox is the other side.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';

export const NAMESPACE = 'urn:ma:sante:rapatriement:v1';
const SCHEMA_FILE = 'sante-rapatriement-v1.xsd';
let schema: string | undefined;

/** The agency's XSD, read once; from the source tree when running compiled under dist/ (tsc copies no .xsd). */
function agencySchema(): string {
  if (schema === undefined) {
    const beside = join(__dirname, SCHEMA_FILE);
    const source = resolve(__dirname, '..', '..', '..', 'sandbox', 'health', SCHEMA_FILE);
    schema = readFileSync(existsSync(beside) ? beside : source, 'utf8');
  }
  return schema;
}

/** Escapes markup and writes every non-ASCII character as a decimal reference (`&#1575;`). */
export function text(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (code > 0x7e) out += `&#${code};`;
    else out += ch;
  }
  return out;
}

export function element(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${text(value)}</${name}>`;
}

export function document(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

export function erreurs(list: Array<{ champ: string; message: string }>): string {
  return document(`<Erreurs xmlns="${NAMESPACE}">${list.map((e) => `<Erreur champ="${text(e.champ)}">${text(e.message)}</Erreur>`).join('')}</Erreurs>`);
}

export interface SchemaProblem { champ: string; message: string }

/** The agency's XSD verdict; a problem names the element, never the value received. */
export async function schemaProblems(xml: string): Promise<SchemaProblem[]> {
  const result = await validateXML({ xml: [{ fileName: 'demande.xml', contents: xml }], schema: [{ fileName: 'sante.xsd', contents: agencySchema() }] });
  if (result.valid) return [];
  const problems = result.errors
    .filter((e) => e.message.startsWith('Schemas validity error') || e.message.startsWith('parser error'))
    .map((e) => {
      const name = /Element '(?:\{[^}]*\})?([^']+)'/.exec(e.message)?.[1];
      return name ? { champ: name, message: 'Valeur absente, inattendue ou non conforme au schéma.' } : { champ: 'document', message: 'Document XML mal formé.' };
    });
  return problems.length > 0 ? problems : [{ champ: 'document', message: 'Document non conforme au schéma.' }];
}

/** Parses a document the XSD accepted; the DOCTYPE was refused before, so no entity is expanded. */
export function readDemande(xml: string): Record<string, unknown> {
  const parser = new XMLParser({
    removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true,
    processEntities: { enabled: true, maxEntityCount: 0, maxEntitySize: 0, maxTotalExpansions: 1000, maxExpandedLength: 100_000 },
    htmlEntities: false,
    isArray: (name) => name === 'Piece',
  });
  const parsed = parser.parse(xml) as Record<string, unknown>;
  return (parsed.DemandeAutorisationSanitaire ?? {}) as Record<string, unknown>;
}
