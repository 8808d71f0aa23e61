/**
 * The hub's SOAP callback service (for the Interior: `ConsularCallbackService`), on node:http.
 *
 * Order of checks, each refusal a SOAP fault naming the reason, never a value:
 * size (Content-Length, then bytes as they arrive: before any parsing) → content type → safe XML
 * (no DTD, no entity but the predefined ones) → SOAP 1.1 envelope → WS-Security UsernameToken
 * (PasswordDigest, Created within the window, nonce never used twice) → header block → body element
 * of a WSDL operation with its required fields, then against the schema the WSDL embeds. Then `onCallback(record)` must persist the callback;
 * only once it resolves does the Ack leave. A duplicate (same message id) is the store's to absorb:
 * it is acknowledged like the first.
 */
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { silentLogger, type ConnectorLogger } from '../../_kit/contract';
import { BodySchema } from '../body-schema';
import { envelope, faultBody, headerText, isSoap11Envelope, PROTOCOL_VERSION, requestHash, splitEnvelope, type FaultSpec } from '../envelope';
import { readWsdl, withAddress, type WsdlOperation } from '../wsdl';
import { checkUsernameToken, NonceCache, type Credentials } from '../ws-security';
import { child, escapeXml, parseXml, toPlain, UnsafeXmlError, type XmlNode } from '../xml';

export interface CallbackRecord {
  /** The partner's message id (header `id`): the de-duplication key. */
  messageId: string;
  /** WSDL operation, e.g. `NotifyBurialAuthorisationDecision`. */
  operation: string;
  /** Header `issue`. */
  caseReference: string;
  /** The body element as plain JSON (text values as strings). */
  payload: Record<string, unknown>;
  header: { client: string; service: string; userId: string; protocolVersion: string };
  /** Base64 SHA-512 of the request body as received (the header's `requestHash`). */
  requestHash: string;
  /** Hex SHA-256 of the request body as received, for the exchange ledger. */
  bodySha256: string;
  receivedAt: string;
}

export interface CallbackOutcome {
  /** False when the message id was stored before (a duplicate, absorbed). */
  inserted: boolean;
}

export interface SoapCallbackServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Path of the service; the WSDL is at `<path>?wsdl`. Default `/partners/interior/soap`. */
  path?: string;
  /** WSDL text of the service (its `soap:address` is rewritten to the served URL). */
  wsdl: string;
  /** The UsernameToken the partner must present. */
  credentials: Credentials;
  /** Checks each body against the schema the WSDL embeds (a VALIDATION fault naming the elements). Default true. */
  validateBodies?: boolean;
  /** Larger bodies are refused before parsing. Default 10 MB (the Interior's limit). */
  maxBodyBytes?: number;
  /** How far `wsu:Created` may be from now, either way. Default 5 minutes. */
  createdWindowMs?: number;
  /** Persists the callback (the hub passes `recordInbound` into the inbox). Must resolve only once stored. */
  onCallback(record: CallbackRecord): Promise<CallbackOutcome | void>;
  /** Serve HTTPS with this certificate and key (PEM). Without it, plain HTTP: behind a TLS-terminating proxy only. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** URL announced in the WSDL, when the server sits behind a proxy. Default: the listening URL. */
  publicUrl?: string;
  logger?: ConnectorLogger;
  now?: () => number;
}

export interface SoapCallbackServer {
  /** `http(s)://host:port/partners/interior/soap`. */
  url: string;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEADER_FIELDS = ['client', 'service', 'id', 'userId', 'issue', 'protocolVersion'] as const;

class Refusal extends Error {
  constructor(readonly httpStatus: number, readonly fault: FaultSpec) { super(fault.faultstring); }
}

const clientFault = (code: string, faultstring: string, fields?: string[], httpStatus = 500): Refusal =>
  new Refusal(httpStatus, { faultcode: 'Client', faultstring, code, fields });

export async function createSoapCallbackServer(options: SoapCallbackServerOptions): Promise<SoapCallbackServer> {
  const path = options.path ?? '/partners/interior/soap';
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const windowMs = options.createdWindowMs ?? 5 * 60_000;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const summary = readWsdl(options.wsdl);
  const byElement = new Map<string, WsdlOperation>([...summary.operations.values()].map((op) => [op.inputElement, op]));
  const schema = options.validateBodies === false ? null : BodySchema.fromWsdl(options.wsdl, summary.targetNamespace);
  if (options.validateBodies !== false && !schema) logger.warn(`callback service: the WSDL embeds no schema for ${summary.targetNamespace}; bodies are taken unchecked`);
  const nonces = new NonceCache();
  let publicUrl = options.publicUrl ?? '';

  const answer = (res: ServerResponse, status: number, xml: string): void => {
    const body = Buffer.from(xml, 'utf8');
    res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-store' });
    res.end(body);
  };
  const answerFault = (res: ServerResponse, refusal: Refusal, messageId?: string): void => {
    const header: Record<string, string> = messageId === undefined ? {} : { id: messageId };
    answer(res, refusal.httpStatus, envelope(summary.targetNamespace, header, '', faultBody(summary.targetNamespace, refusal.fault)));
  };

  async function handlePost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readLimited(req, maxBodyBytes);
    if (!/^(text|application)\/(soap\+)?xml\b/i.test(req.headers['content-type'] ?? '')) {
      throw clientFault('UNSUPPORTED_MEDIA_TYPE', 'SOAP 1.1 messages are text/xml', undefined, 415);
    }
    const hash = requestHash(raw);
    let doc: XmlNode;
    const xml = raw.toString('utf8');
    try {
      doc = parseXml(xml);
    } catch (error) {
      throw clientFault('MALFORMED', `the body is not acceptable XML (${error instanceof UnsafeXmlError ? error.message : 'unreadable'})`);
    }
    const parts = splitEnvelope(doc);
    if (!parts || parts.bodyName === undefined || !isSoap11Envelope(xml)) throw clientFault('MALFORMED', 'not a SOAP 1.1 envelope with a body element');
    const securityProblem = checkUsernameToken(child(parts.header, 'Security'), { credentials: options.credentials, windowMs, now: now(), nonces });
    if (securityProblem !== null) throw clientFault('UNAUTHENTICATED', `WS-Security: ${securityProblem}`);

    const header = Object.fromEntries(HEADER_FIELDS.map((f) => [f, headerText(parts.header, f) ?? ''])) as Record<(typeof HEADER_FIELDS)[number], string>;
    const badHeader = HEADER_FIELDS.filter((f) => header[f].trim() === '').map((f) => `header.${f}`);
    if (header.id !== '' && !UUID.test(header.id)) badHeader.push('header.id');
    if (header.protocolVersion !== '' && header.protocolVersion !== PROTOCOL_VERSION) badHeader.push('header.protocolVersion');
    if (badHeader.length > 0) throw clientFault('VALIDATION', 'the exchange header is incomplete or invalid', badHeader);

    const operation = byElement.get(parts.bodyName);
    if (!operation) throw clientFault('VALIDATION', `no operation takes a ${parts.bodyName} element`, ['body']);
    const soapAction = (req.headers.soapaction ?? '').toString().replace(/^"|"$/g, '');
    if (soapAction !== '' && soapAction !== operation.soapAction) throw clientFault('VALIDATION', 'SOAPAction does not match the body element', ['SOAPAction']);
    const payload = toPlain(parts.bodyElement ?? {});
    const fields = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload as Record<string, unknown> : {};
    const missing = operation.inputRequired.filter((name) => fields[name] === undefined || fields[name] === '');
    if (missing.length > 0) throw clientFault('VALIDATION', `${operation.name}: required fields missing`, missing);
    const schemaErrors = schema ? await schema.checkReceived(operation.inputElement, fields) : [];
    if (schemaErrors.length > 0) throw clientFault('VALIDATION', `${operation.name}: the body does not match the service's schema`, [...new Set(schemaErrors.map((e) => e.path))]);

    const receivedAt = new Date(now()).toISOString();
    const record: CallbackRecord = {
      messageId: header.id, operation: operation.name, caseReference: header.issue, payload: fields,
      header: { client: header.client, service: header.service, userId: header.userId, protocolVersion: header.protocolVersion },
      requestHash: hash, bodySha256: createHash('sha256').update(raw).digest('hex'), receivedAt,
    };
    let outcome: CallbackOutcome | void;
    try {
      outcome = await options.onCallback(record);
    } catch (error) {
      // Not stored, so not acknowledged: the partner retries. Only the error's name is logged.
      logger.warn(`${operation.name}: callback not stored`, { operation: operation.name, messageId: header.id, error: error instanceof Error ? error.name : 'unknown' });
      throw new Refusal(500, { faultcode: 'Server', faultstring: 'the callback could not be stored; send it again later', code: 'INTERNAL' });
    }
    const duplicate = outcome !== undefined && !outcome.inserted;
    logger.info(`${operation.name}: callback ${duplicate ? 'already stored (duplicate absorbed)' : 'stored'}`, { operation: operation.name, messageId: header.id, duplicate });
    const ack = `<tns:Ack><tns:receivedAt>${escapeXml(receivedAt)}</tns:receivedAt></tns:Ack>`;
    answer(res, 200, envelope(summary.targetNamespace, { id: header.id, requestHash: hash }, '', ack));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const [reqPath, query = ''] = (req.url ?? '/').split('?', 2);
    if (reqPath !== path) {
      req.resume();
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    if (req.method === 'GET' && /^wsdl$/i.test(query.split('&')[0])) {
      req.resume();
      answer(res, 200, withAddress(options.wsdl, publicUrl));
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' }).end('POST a SOAP 1.1 envelope, or GET ?wsdl');
      return;
    }
    handlePost(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof Refusal) {
        answerFault(res, error);
        return;
      }
      logger.warn('callback service: unexpected failure', { error: error instanceof Error ? error.name : 'unknown' });
      answerFault(res, new Refusal(500, { faultcode: 'Server', faultstring: 'internal error', code: 'INTERNAL' }));
    });
  };
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, onRequest) : createHttpServer(onRequest);
  // A failed handshake says nothing worth logging (and peer details could tell who called).
  server.on('tlsClientError', () => undefined);
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `${options.tls ? 'https' : 'http'}://${urlHost}:${port}${path}`;
  if (publicUrl === '') publicUrl = url;
  return {
    url,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}

/**
 * Reads the body up to `max` bytes; beyond that refuses with 413 at once and discards (never buffers) the
 * rest. The rest is drained rather than the socket cut, so the client reads the 413 instead of a reset;
 * `requestTimeout` bounds a sender that never stops.
 */
function readLimited(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): Refusal => clientFault('TOO_LARGE', `the body is larger than ${max} bytes`, undefined, 413);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > max) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { if (!refused) resolve(Buffer.concat(chunks)); });
    req.on('error', (error) => { if (!refused) reject(error); });
  });
}
