/**
 * Streams an XML file record by record: each child of the root named `recordElement` is built as a
 * small tree and handed to an async callback before the next chunk is read, so memory stays flat in
 * the size of the file and a slow consumer slows the download instead of filling a queue.
 * DOCTYPE declarations are refused (no entity tricks); saxes expands no external entity.
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { HubError } from '../../broker/errors';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export interface XmlRecordOptions {
  /** Local name the root must have, e.g. `LicenceVerificationResults`. */
  rootElement: string;
  /** Namespace URI the root must have, e.g. `urn:ma:narsa:licence:1`. */
  namespace?: string;
  /** Local name of a record, a child of the root, e.g. `Result`. */
  recordElement: string;
  /** A record longer than this (characters of markup and text) ends the file as unreadable. */
  maxRecordChars: number;
  /** `what`: the file, for messages (a name without personal data). */
  what: string;
  onRecord(element: XmlElement, index: number): Promise<void>;
}

function unreadable(what: string, why: string): HubError {
  return new HubError('PARTNER_BAD_RESPONSE', `${what}: ${why}`);
}

export async function streamXmlRecords(chunks: AsyncIterable<Buffer>, options: XmlRecordOptions): Promise<{ records: number }> {
  const parser = new SaxesParser({ xmlns: true });
  const decoder = new StringDecoder('utf8');
  const ready: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let depth = 0;
  let recordChars = 0;
  let failure: HubError | undefined;
  let rootSeen = false;
  let index = 0;
  let first = true;

  const fail = (error: HubError): void => { failure ??= error; };
  parser.on('error', (error) => fail(unreadable(options.what, `not well-formed XML (${error.message.split('\n')[0]})`)));
  parser.on('doctype', () => fail(unreadable(options.what, 'a DOCTYPE is not accepted')));
  parser.on('opentag', (tag: SaxesTagNS) => {
    depth += 1;
    if (depth === 1) {
      rootSeen = true;
      if (tag.local !== options.rootElement || (options.namespace !== undefined && tag.uri !== options.namespace)) {
        fail(unreadable(options.what, `the root is not ${options.rootElement}${options.namespace ? ` in ${options.namespace}` : ''}`));
      }
      return;
    }
    if (stack.length === 0 && !(depth === 2 && tag.local === options.recordElement)) return;
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) attributes[attribute.local] = attribute.value;
    const element: XmlElement = { name: tag.local, attributes, children: [], text: '' };
    recordChars += tag.name.length * 2 + 5;
    stack[stack.length - 1]?.children.push(element);
    stack.push(element);
  });
  const onText = (text: string): void => {
    const top = stack[stack.length - 1];
    if (!top) return;
    recordChars += text.length;
    if (recordChars > options.maxRecordChars) {
      fail(unreadable(options.what, `record ${index + 1} is larger than ${options.maxRecordChars} characters`));
      return;
    }
    top.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    depth -= 1;
    const element = stack.pop();
    if (element && stack.length === 0) {
      ready.push(element);
      recordChars = 0;
    }
    if (recordChars > options.maxRecordChars) fail(unreadable(options.what, `record ${index + 1} is larger than ${options.maxRecordChars} characters`));
  });

  const deliver = async (): Promise<void> => {
    if (failure) throw failure;
    while (ready.length > 0) {
      const element = ready.shift() as XmlElement;
      index += 1;
      await options.onRecord(element, index);
    }
  };

  for await (const chunk of chunks) {
    let text = decoder.write(chunk);
    if (first && text.length > 0) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    parser.write(text);
    await deliver();
  }
  parser.write(decoder.end());
  parser.close();
  await deliver();
  if (!rootSeen) throw unreadable(options.what, 'the file holds no XML element');
  return { records: index };
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The record as XML again (for the quarantine: it may hold personal data, so it is stored, never logged). */
export function serializeElement(element: XmlElement): string {
  const attributes = Object.entries(element.attributes).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  const inner = element.children.length > 0 ? element.children.map(serializeElement).join('') : escapeXml(element.text);
  return `<${element.name}${attributes}>${inner}</${element.name}>`;
}

/**
 * A plain value: an element without child elements is its trimmed text; otherwise an object of its
 * children, a repeated name becoming an array. Children of an element named in `lists` always form
 * an array of their values (so a list of one stays a list).
 */
export function elementValue(element: XmlElement, lists: ReadonlySet<string> = new Set()): unknown {
  if (lists.has(element.name)) return element.children.map((child) => elementValue(child, lists));
  if (element.children.length === 0) return element.text.trim();
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    const value = elementValue(child, lists);
    if (!Object.hasOwn(out, child.name)) out[child.name] = value;
    else if (Array.isArray(out[child.name]) && !lists.has(child.name)) (out[child.name] as unknown[]).push(value);
    else out[child.name] = [out[child.name], value];
  }
  return out;
}
