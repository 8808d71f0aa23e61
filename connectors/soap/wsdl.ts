/**
 * Reads what a document/literal SOAP 1.1 client or server needs from a WSDL 1.1: the target namespace
 * and, per operation, its SOAP action and the body elements of its input and output. Element
 * references are taken as local names in the target namespace (document/literal wrapped, one schema
 * per service), which is how the Interior's and our callback WSDL are written.
 */
import { parseXml, type XmlNode, type XmlValue } from './xml';

export interface WsdlOperation {
  name: string;
  soapAction: string;
  /** Local name of the input body element. */
  inputElement: string;
  /** Local name of the output body element. */
  outputElement: string;
  /** Children the input element's sequence requires (minOccurs not 0), in order. */
  inputRequired: string[];
}

export interface WsdlSummary {
  targetNamespace: string;
  serviceName: string;
  operations: Map<string, WsdlOperation>;
}

export class WsdlError extends Error {}

function all(node: XmlValue | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is XmlNode => typeof v === 'object' && !Array.isArray(v));
}

function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

const localName = (qname: string | undefined): string | undefined => qname?.split(':').pop();

export function readWsdl(text: string): WsdlSummary {
  const doc = parseXml(text);
  const definitions = all(doc, 'definitions')[0];
  if (!definitions) throw new WsdlError('not a WSDL 1.1 document (no definitions)');
  const targetNamespace = attr(definitions, 'targetNamespace');
  if (!targetNamespace) throw new WsdlError('the WSDL has no targetNamespace');

  const messageElement = new Map<string, string>();
  for (const message of all(definitions, 'message')) {
    const body = all(message, 'part').find((part) => attr(part, 'name') === 'body') ?? all(message, 'part')[0];
    const element = localName(attr(body, 'element'));
    const name = attr(message, 'name');
    if (name && element) messageElement.set(name, element);
  }
  const actions = new Map<string, string>();
  for (const binding of all(definitions, 'binding')) {
    for (const op of all(binding, 'operation')) {
      const soapOp = all(op, 'operation')[0];
      const name = attr(op, 'name');
      if (name) actions.set(name, attr(soapOp, 'soapAction') ?? '');
    }
  }
  const required = new Map<string, string[]>();
  for (const types of all(definitions, 'types')) {
    for (const schema of all(types, 'schema')) {
      for (const element of all(schema, 'element')) {
        const sequence = all(all(element, 'complexType')[0], 'sequence')[0];
        const name = attr(element, 'name');
        if (!name || !sequence) continue;
        required.set(name, all(sequence, 'element').filter((e) => attr(e, 'minOccurs') !== '0').map((e) => attr(e, 'name') ?? '').filter((n) => n !== ''));
      }
    }
  }
  const operations = new Map<string, WsdlOperation>();
  for (const portType of all(definitions, 'portType')) {
    for (const op of all(portType, 'operation')) {
      const name = attr(op, 'name');
      const input = messageElement.get(localName(attr(all(op, 'input')[0], 'message')) ?? '');
      const output = messageElement.get(localName(attr(all(op, 'output')[0], 'message')) ?? '');
      if (!name || !input || !output) throw new WsdlError(`operation ${name ?? '?'}: input or output message not found`);
      operations.set(name, { name, soapAction: actions.get(name) ?? '', inputElement: input, outputElement: output, inputRequired: required.get(input) ?? [] });
    }
  }
  if (operations.size === 0) throw new WsdlError('the WSDL declares no operation');
  const serviceName = attr(all(definitions, 'service')[0], 'name') ?? '';
  return { targetNamespace, serviceName, operations };
}

/** The WSDL with every `soap:address location` set to `url` (how the served copy names its endpoint). */
export function withAddress(text: string, url: string): string {
  return text.replace(/(<(?:\w+:)?address\b[^>]*\blocation=")[^"]*(")/g, (_m, start: string, end: string) => `${start}${url.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}${end}`);
}
