/**
 * Outbound bodies checked against the partner's schema, embedded in its WSDL, before they leave: the
 * schema is closed (no extra field leaves the hub) and a field the partner would refuse is caught here,
 * with the field's name, instead of costing a round trip and a dead letter. libxml2 (xmllint-wasm)
 * validates; its messages quote values, so only element names are kept.
 */
import { validateXML } from 'xmllint-wasm';
import type { FieldError } from '../../broker/errors';
import { escapeXml, toXmlElements } from './xml';

export class BodySchema {
  private constructor(private readonly schemaText: string, readonly targetNamespace: string) {}

  /**
   * The `<xs:schema>` of the WSDL for `targetNamespace`, made a standalone document: the namespace
   * declarations of the WSDL's root are copied onto it. Null when the WSDL embeds no such schema.
   */
  static fromWsdl(wsdl: string, targetNamespace: string): BodySchema | null {
    const root = /<(?:[\w.-]+:)?definitions\b([^>]*)>/.exec(wsdl);
    const declarations = [...(root?.[1] ?? '').matchAll(/\s(xmlns(?::[\w.-]+)?)\s*=\s*("[^"]*"|'[^']*')/g)];
    for (const block of wsdl.matchAll(/<([\w.-]+:)?schema\b([^>]*)>[\s\S]*?<\/\1schema>/g)) {
      const target = /\btargetNamespace\s*=\s*["']([^"']*)["']/.exec(block[2])?.[1];
      if (target !== targetNamespace) continue;
      const own = new Set([...block[2].matchAll(/\s(xmlns(?::[\w.-]+)?)\s*=/g)].map((m) => m[1]));
      const added = declarations.filter(([, name]) => !own.has(name)).map(([, name, value]) => ` ${name}=${value}`).join('');
      const text = block[0].replace(/^<([\w.-]+:)?schema\b/, (start) => `${start}${added}`);
      return new BodySchema(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`, targetNamespace);
    }
    return null;
  }

  /**
   * Field errors of a received body element, from its parsed form (text values, children in document order;
   * the schemas of these services declare no attributes): written again in prefix `tns`, then checked like an
   * outbound one. The received bytes are not reused: their namespace declarations may sit on the envelope.
   */
  async checkReceived(elementName: string, plain: unknown): Promise<FieldError[]> {
    let inner: string;
    try {
      inner = typeof plain === 'object' && plain !== null && !Array.isArray(plain) ? toXmlElements(plain as Record<string, unknown>, 'tns') : escapeXml(plain === null || plain === undefined ? '' : String(plain));
    } catch {
      return [{ path: elementName, message: 'cannot be written as XML again' }];
    }
    return this.check(`<tns:${elementName}>${inner}</tns:${elementName}>`);
  }

  /** Field errors of a body element serialised with prefix `tns` (empty when it conforms). */
  async check(bodyXml: string): Promise<FieldError[]> {
    const document = bodyXml.replace(/^<tns:([\w.-]+)/, (start) => `${start} xmlns:tns="${this.targetNamespace.replace(/"/g, '&quot;')}"`);
    const outcome = await validateXML({ xml: [{ fileName: 'body.xml', contents: document }], schema: [{ fileName: 'partner.xsd', contents: this.schemaText }] });
    if (outcome.valid) return [];
    const errors: FieldError[] = [];
    for (const error of outcome.errors) {
      const element = /Element '(?:\{[^}]*\})?([^']+)'/.exec(error.message)?.[1];
      if (!element) continue;
      errors.push({ path: element, message: reasonOf(error.message) });
    }
    return errors.length > 0 ? errors : [{ path: '/', message: "does not match the partner's schema" }];
  }
}

/** The rule broken, without the value libxml2 quotes. */
function reasonOf(message: string): string {
  if (/This element is not expected/.test(message)) return 'is not expected here (unknown field, or out of the order of the schema)';
  if (/Missing child element/.test(message)) return `misses a required child (${(/Expected is[^.]*\(?\s*([^)]*)\)?/.exec(message)?.[1] ?? '').replace(/\{[^}]*\}/g, '').trim()})`.replace(' ()', '');
  if (/is not accepted by the pattern|is not a valid value|is not an element of the set|not a valid value of the atomic type/.test(message)) return 'has a value the schema does not accept';
  if (/Character content other than whitespace is not allowed/.test(message)) return 'must not hold text';
  return "does not match the partner's schema";
}
