/**
 * The XML-over-HTTP connector: documents built from the payload and checked against the partner's XSD
 * before they leave, answers size-bounded, refused if they carry a DOCTYPE, checked against the XSD and
 * parsed safely. One attempt per `send`, through the endpoint's circuit breaker and token bucket.
 * `read` serves scheduled reads (a decision feed) with the same guards.
 */
import https from 'node:https';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { HubError, isHubError, type FieldError } from '../../broker/errors';
import { EndpointBreaker } from '../_kit/circuit-breaker';
import { silentLogger, type Connector, type ConnectorDeps, type ConnectorHealth, type ConnectorLogger, type OutboundMessage, type PartnerAnswer } from '../_kit/contract';
import { checkOutboundMessage } from '../_kit/outbound-message';
import { TokenBucket } from '../_kit/rate-limiter';
import { failureForStatus, flattenHeaders } from '../rest/answer';
import { exchange, type RawResponse } from '../_kit/http-exchange';
import { loadTlsMaterial, type TlsMaterial } from '../rest/tls-material';
import { tlsEndpointHealth } from '../rest/tls-probe';
import type { XmlHttpConnectorConfig, XmlHttpOperation } from './config-schema';
import { parseXmlSafely, UnsafeXmlError } from './safe-xml';
import { buildXmlDocument } from './xml-document';
import { XsdSchema } from './xsd-validator';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function isEndpointFailure(error: unknown): boolean {
  return isHubError(error) && (error.code === 'PARTNER_TIMEOUT' || error.code === 'PARTNER_UNAVAILABLE');
}

/** The body of a business answer: the root element's local name and its parsed content. */
export interface XmlAnswerBody {
  root: string;
  content: Record<string, unknown>;
}

export interface XmlItem {
  index: number;
  content: Record<string, unknown>;
  /** Empty when the item matches the schema; otherwise what is wrong (element names, never values). */
  errors: FieldError[];
}

export interface XmlReadResult extends XmlAnswerBody {
  status: number;
  /** With `itemElement`: the items, each validated on its own; `content` then holds the rest. */
  items: XmlItem[];
  bytes: number;
  durationMs: number;
  endpoint: string;
}

interface Connection {
  agent: https.Agent;
  breaker: EndpointBreaker;
  tls: TlsMaterial;
  xsd: XsdSchema;
}

/**
 * A relative `xsdPath` is taken from the repository root. The compiled copy runs from `dist/`, where tsc
 * copies no .xsd: there the path is looked up in the source tree beside `dist/`.
 */
export function resolveXsdPath(path: string): string {
  if (isAbsolute(path)) return path;
  const root = resolve(__dirname, '..', '..');
  const candidates = [resolve(root, path)];
  if (__dirname.split(sep).includes('dist')) candidates.push(resolve(root, '..', path));
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

export class XmlHttpConnector implements Connector {
  readonly protocol = 'xml-http';
  readonly partner: string;
  private readonly origin: URL;
  private readonly basePath: string;
  private readonly configPath: string;
  private readonly logger: ConnectorLogger;
  private readonly now: () => number;
  private readonly limiter?: TokenBucket;
  private connection?: Connection;
  private connecting?: Promise<void>;

  constructor(private readonly config: XmlHttpConnectorConfig, deps: ConnectorDeps) {
    this.partner = deps.partner;
    this.configPath = deps.configPath ?? `partners.${deps.partner}.xml-http`;
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? Date.now;
    const url = new URL(config.baseUrl);
    this.origin = new URL(url.origin);
    this.basePath = url.pathname.replace(/\/+$/, '');
    for (const [name, op] of Object.entries(config.operations)) {
      if (op.method !== 'GET' && op.rootElement === undefined) {
        throw new HubError('CONFIG_INVALID', `${this.configPath}.operations.${name}.rootElement: is required for ${op.method}`, { errors: [{ path: `${this.configPath}.operations.${name}.rootElement`, message: `is required for ${op.method}` }] });
      }
    }
    if (config.rateLimit) this.limiter = new TokenBucket({ perSecond: config.rateLimit.perSecond, burst: config.rateLimit.burst }, `${this.partner} ${this.origin.origin}`);
  }

  async connect(): Promise<void> {
    if (this.connection) return;
    this.connecting ??= this.openConnection().finally(() => { this.connecting = undefined; });
    await this.connecting;
  }

  private async openConnection(): Promise<void> {
    const tls = await loadTlsMaterial(this.config.tls, this.configPath);
    let xsd: XsdSchema;
    try {
      xsd = await XsdSchema.load(resolveXsdPath(this.config.xsdPath));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new HubError('CONFIG_INVALID', `${this.configPath}.xsdPath: cannot read the schema (${code})`, { errors: [{ path: `${this.configPath}.xsdPath`, message: `cannot read file (${code})` }] });
    }
    const agent = new https.Agent({ keepAlive: true, ...tls, servername: this.config.tls?.servername });
    const breaker = new EndpointBreaker(`${this.partner} ${this.origin.origin}`, this.config.breaker, { isEndpointFailure, now: this.now });
    breaker.onStateChange((state) => this.logger.warn(`${this.partner}: circuit ${state}`, { partner: this.partner, endpoint: this.origin.origin, circuit: state }));
    this.connection = { agent, breaker, tls, xsd };
    this.logger.info(`${this.partner}: XML-over-HTTP connector ready`, { partner: this.partner, endpoint: this.origin.origin });
  }

  private ready(): Connection {
    if (!this.connection) throw new HubError('NOT_READY', `${this.partner}: XML-over-HTTP connector is not connected`);
    return this.connection;
  }

  async send(msg: OutboundMessage): Promise<PartnerAnswer> {
    const connection = this.ready();
    const writable = Object.entries(this.config.operations).filter(([, op]) => op.method !== 'GET').map(([name]) => name);
    checkOutboundMessage(msg, this.partner, writable);
    const operation = this.config.operations[msg.operation];
    const endpoint = `${operation.method} ${this.origin.origin}${this.basePath}${operation.path}`;
    const label = `${this.partner} ${msg.operation} (${endpoint})`;
    const body = await this.outboundDocument(connection, msg, operation, label);
    const headers: Record<string, string> = {
      'Content-Type': 'application/xml; charset=utf-8',
      'X-Message-Id': msg.messageId,
      'X-Case-Reference': msg.caseReference,
      'Idempotency-Key': msg.messageId,
    };
    if (msg.correlationId !== undefined) headers['X-Correlation-Id'] = msg.correlationId;
    const result = await this.call(connection, operation, `${this.basePath}${operation.path}`, headers, body, label, endpoint, { messageId: msg.messageId });
    // A refusal handed back as an answer (refusal.asAnswer) is {root, fields}: the fields it names, never its wording.
    const answerBody = 'refusedFields' in result ? { root: result.root, fields: result.refusedFields } : { root: result.root, content: result.content } satisfies XmlAnswerBody;
    return { status: result.status, body: answerBody, headers: result.headers, bytes: result.bytes, durationMs: result.durationMs, endpoint };
  }

  /** A read (GET) operation, e.g. one page of a feed; `query` values never appear in messages. */
  async read(operationName: string, query: Record<string, string>): Promise<XmlReadResult> {
    const connection = this.ready();
    const operation = this.config.operations[operationName];
    if (!operation || operation.method !== 'GET') throw new HubError('VALIDATION_FAILED', `${this.partner}: "${operationName}" is not a declared read operation`);
    const endpoint = `GET ${this.origin.origin}${this.basePath}${operation.path}`;
    const label = `${this.partner} ${operationName} (${endpoint})`;
    const search = new URLSearchParams(query).toString();
    const path = `${this.basePath}${operation.path}${search === '' ? '' : `?${search}`}`;
    const result = await this.call(connection, operation, path, {}, undefined, label, endpoint, {});
    return { status: result.status, root: result.root, content: result.content, items: result.items, bytes: result.bytes, durationMs: result.durationMs, endpoint };
  }

  private async outboundDocument(connection: Connection, msg: OutboundMessage, operation: XmlHttpOperation, label: string): Promise<string> {
    const content: Record<string, unknown> = {};
    for (const [element, field] of Object.entries(operation.envelope)) content[element] = msg[field];
    for (const [key, value] of Object.entries(msg.payload)) {
      if (Object.hasOwn(operation.envelope, key)) continue;
      content[key] = value;
    }
    const built = buildXmlDocument(content, { root: operation.rootElement ?? '', namespace: this.config.namespace, arrayItems: operation.arrayItems, label });
    const size = Buffer.byteLength(built.xml, 'utf8');
    if (size > this.config.maxRequestBytes) {
      throw new HubError('VALIDATION_FAILED', `${label}: the document is ${size} bytes, more than the ${this.config.maxRequestBytes} allowed, not sent`, { errors: [{ path: '/', message: `larger than ${this.config.maxRequestBytes} bytes` }] });
    }
    const verdict = await connection.xsd.validate({ name: 'outbound.xml', xml: built.xml, linePaths: built.linePaths });
    if (!verdict.valid) {
      const fields = verdict.errors.map((e) => `${e.path} ${e.message}`).join('; ');
      throw new HubError('VALIDATION_FAILED', `${label}: the document does not match the partner schema, not sent: ${fields}`, { errors: verdict.errors });
    }
    return built.xml;
  }

  private async call(connection: Connection, operation: XmlHttpOperation, path: string, extraHeaders: Record<string, string>, body: string | undefined, label: string, endpoint: string, meta: Record<string, unknown>) {
    const headers: Record<string, string> = { Accept: 'application/xml', 'User-Agent': 'econsulat-hub', ...extraHeaders };
    if (this.config.credentials) headers[this.config.credentials.header] = this.config.credentials.apiKey;
    const refusal = operation.refusal;
    const raw = await connection.breaker.run(async () => {
      await this.limiter?.acquire(this.config.timeoutMs);
      const response = await exchange({
        agent: connection.agent, origin: this.origin, method: operation.method, path, headers, body,
        servername: this.config.tls?.servername, timeoutMs: this.config.timeoutMs, maxResponseBytes: this.config.maxResponseBytes,
        wantsBody: (status) => operation.answers.includes(status) || (refusal?.status.includes(status) ?? false),
        label,
      });
      this.logger.debug(`${label}: ${response.status} in ${response.durationMs} ms`, { partner: this.partner, status: response.status, durationMs: response.durationMs, ...meta });
      if (!operation.answers.includes(response.status) && !(refusal?.status.includes(response.status) ?? false)) {
        throw failureForStatus(response.status, response.headers, label, this.now());
      }
      return response;
    });
    const document = await this.readAnswer(connection, operation, raw, label);
    if (refusal && refusal.status.includes(raw.status)) {
      if (!refusal.asAnswer) throw this.refusalError(document, refusal, raw.status, label);
      return { ...this.refusalAnswer(document, refusal, raw.status, label), status: raw.status, headers: flattenHeaders(raw.headers), bytes: raw.body.length, durationMs: raw.durationMs, endpoint };
    }
    if (!operation.answerElements.includes(document.root)) {
      throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${raw.status} is a ${document.root}, expected ${operation.answerElements.join(' or ')}`, { extra: { status: raw.status } });
    }
    return { ...document, status: raw.status, headers: flattenHeaders(raw.headers), bytes: raw.body.length, durationMs: raw.durationMs, endpoint };
  }

  /** Checks and parses an answer body: DOCTYPE refused, XSD, then the safe parser. */
  private async readAnswer(connection: Connection, operation: XmlHttpOperation, raw: RawResponse, label: string): Promise<XmlAnswerBody & { items: XmlItem[] }> {
    const bad = (why: string, errors?: FieldError[]) => new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${raw.status} ${why}`, { errors, extra: { status: raw.status } });
    const contentType = typeof raw.headers['content-type'] === 'string' ? raw.headers['content-type'] : '';
    if (!/^(application|text)\/([\w.+-]+\+)?xml\s*(;|$)/i.test(contentType)) throw bad(`is ${contentType.split(';')[0].trim() || 'without a content type'}, not XML`);
    const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) throw bad(`is in ${charset}, not UTF-8`);
    let text: string;
    try {
      text = UTF8.decode(raw.body);
    } catch {
      throw bad('is not valid UTF-8');
    }
    const declared = /^\uFEFF?<\?xml[^>]*\sencoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
    if (declared !== undefined && !/^utf-?8$/i.test(declared)) throw bad(`declares ${declared}, not UTF-8`);
    let parsed: ReturnType<typeof parseXmlSafely>;
    try {
      // The root's namespace is checked here: a list answer's items are validated rebuilt, in the configured namespace.
      parsed = parseXmlSafely(text, { arrays: [...operation.arrays, ...(operation.itemElement ? [operation.itemElement] : [])], maxDepth: this.config.maxDepth,
        maxBytes: this.config.maxResponseBytes, namespace: this.config.namespace });
    } catch (error) {
      if (error instanceof UnsafeXmlError) throw bad(`is refused: ${error.message}`);
      throw bad('could not be parsed');
    }
    if (!operation.itemElement || parsed.root !== operation.answerElements[0]) {
      const verdict = await connection.xsd.validate({ name: 'answer.xml', xml: text.replace(/^\uFEFF/, '') });
      if (!verdict.valid) throw bad(`does not match the partner schema: ${verdict.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, verdict.errors);
      return { ...parsed, items: [] };
    }
    return this.validateItems(connection, operation, operation.itemElement, parsed, bad);
  }

  /** A list answer: the envelope and each item validated apart, so one bad item does not refuse the rest. */
  private async validateItems(connection: Connection, operation: XmlHttpOperation, itemElement: string, parsed: XmlAnswerBody, bad: (why: string, errors?: FieldError[]) => HubError): Promise<XmlAnswerBody & { items: XmlItem[] }> {
    const { [itemElement]: rawItems, ...envelope } = parsed.content;
    const list = Array.isArray(rawItems) ? rawItems : [];
    const asContent = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? value as Record<string, unknown> : { '#text': value });
    const documents = [
      { name: 'envelope.xml', xml: rebuild(parsed.root, envelope, this.config.namespace, operation) },
      ...list.map((item, i) => ({ name: `item-${i}.xml`, xml: rebuild(itemElement, asContent(item), this.config.namespace, operation) })),
    ];
    const [envelopeVerdict, ...verdicts] = await connection.xsd.validateAll(documents);
    if (!envelopeVerdict.valid) throw bad(`does not match the partner schema: ${envelopeVerdict.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, envelopeVerdict.errors);
    return { root: parsed.root, content: envelope, items: list.map((item, index) => ({ index, content: asContent(item), errors: verdicts[index].errors })) };
  }

  /** A refusal handed back as an answer (`refusal.asAnswer`): the fields it names, without the partner's wording. */
  private refusalAnswer(document: XmlAnswerBody & { items: XmlItem[] }, refusal: NonNullable<XmlHttpOperation['refusal']>, status: number, label: string): XmlAnswerBody & { items: XmlItem[]; refusedFields: string[] } {
    if (document.root !== refusal.element) {
      throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${status} is a ${document.root}, expected ${refusal.element}`, { extra: { status } });
    }
    const raw = document.content[refusal.item];
    const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const fields = items.map((item) => (typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[`@${refusal.fieldAttribute}`] : undefined));
    return { root: document.root, content: {}, items: [], refusedFields: [...new Set(fields.filter((field): field is string => typeof field === 'string' && field !== ''))] };
  }

  private refusalError(document: XmlAnswerBody, refusal: NonNullable<XmlHttpOperation['refusal']>, status: number, label: string): HubError {
    if (document.root !== refusal.element) {
      return new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${status} is a ${document.root}, expected ${refusal.element}`, { extra: { status } });
    }
    const raw = document.content[refusal.item];
    const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    // The partner's wording may quote our data back: only the field names are kept.
    const errors: FieldError[] = items.map((item) => {
      const field = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[`@${refusal.fieldAttribute}`] : undefined;
      return { path: typeof field === 'string' ? field : '/', message: 'refused by the partner' };
    });
    return new HubError('PARTNER_REJECTED', `${label}: answered ${status}, refusing ${errors.map((e) => e.path).join(', ') || 'the document'}`, { errors, extra: { status } });
  }

  async health(): Promise<ConnectorHealth> {
    const connection = this.connection;
    if (!connection) return { ok: false, detail: 'not connected' };
    return tlsEndpointHealth(connection.breaker, { origin: this.origin, tls: connection.tls, servername: this.config.tls?.servername, timeoutMs: this.config.timeoutMs });
  }

  async close(): Promise<void> {
    const connection = this.connection;
    if (this.connecting) await this.connecting.catch(() => undefined);
    const current = this.connection ?? connection;
    if (!current) return;
    this.connection = undefined;
    current.breaker.shutdown();
    current.agent.destroy();
  }
}

/**
 * A parsed element back as a standalone document, to validate one part of a list answer on its own.
 * Values were decoded by the parser and are escaped again by the builder; text content of a complex
 * element (mixed content) is not part of the feeds read this way and is left out.
 */
function rebuild(root: string, content: Record<string, unknown>, namespace: string, operation: XmlHttpOperation): string {
  const withoutText = Object.fromEntries(Object.entries(content).filter(([key]) => key !== '#text'));
  return buildXmlDocument(withoutText, { root, namespace, arrayItems: operation.arrayItems, label: root }).xml;
}
