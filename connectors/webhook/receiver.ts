/**
 * Receives a partner's signed events over HTTP. For each delivery, in order:
 *   1. POST on the configured path only (404 / 405 otherwise);
 *   2. the raw body, bounded (413 when larger than `maxBodyBytes`, declared or streamed);
 *   3. the timestamp window and the HMAC over the raw bytes, in constant time (401, one vague reason);
 *   4. only then JSON parsing (400 when malformed, not an object, or without an event id);
 *   5. `onEvent(record)` stores it (the hub: the inbox, unique on partner + event id) BEFORE the 2xx:
 *      a failure to store is a 500, so the partner delivers again; a duplicate is a 200 with no second effect.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type ConnectorLogger } from '../_kit/contract';
import { validateConnectorConfig } from '../_kit/config-validation';
import { webhookConfigSchema, type WebhookReceiverConfig } from './config-schema';
import { checkSignature } from './signature';

export interface WebhookEventRecord {
  partner: string;
  /** The partner's event id: the de-duplication key (`inbox.message_id`). */
  eventId: string;
  /** The event's `type` when it has one (e.g. `TRANSPORT_CLEARANCE`), else `event`. */
  type: string;
  caseReference: string | null;
  /** The parsed event, as the partner sent it. Personal data: never log it. */
  payload: Record<string, unknown>;
  /** SHA-256 (hex) of the raw body as signed: the evidence for the exchange ledger (never the body itself). */
  bodySha256: string;
  /** The signed delivery time (Unix seconds) and when we received it (ISO 8601). */
  signedAt: number;
  receivedAt: string;
}

export interface StoreOutcome {
  /** False when the event was already stored (a redelivery). */
  inserted: boolean;
}

export interface WebhookReceiverOptions extends Partial<Omit<WebhookReceiverConfig, 'path' | 'secret'>> {
  path: string;
  secret: string;
  partner: string;
  /** Stores the event durably; resolves once stored. Called again with the same event id on a redelivery. */
  onEvent(record: WebhookEventRecord): Promise<StoreOutcome>;
  logger?: ConnectorLogger;
  /** Wall clock in ms (timestamp window). */
  now?: () => number;
}

export interface WebhookReceiver {
  readonly partner: string;
  /** Request listener, to mount the receiver on another server instead of `listen()`. */
  readonly handler: RequestListener;
  /** Starts the receiver's own server; resolves with its URL (`http://host:port/path`). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

interface Reply { status: number; body: Record<string, unknown>; headers?: Record<string, string> }

const problem = (status: number, title: string, detail: string, headers?: Record<string, string>): Reply => ({ status, body: { type: 'about:blank', title, status, detail }, headers });
/** The same words for every signature or timestamp failure: an attacker learns nothing from them. */
const UNAUTHORIZED = problem(401, 'Unauthorized', 'The delivery could not be authenticated.');

export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const { partner, onEvent } = options;
  const where = `partners.${partner}.webhook`;
  const settings: Record<string, unknown> = {};
  for (const key of Object.keys(webhookConfigSchema.properties ?? {})) {
    const value = (options as unknown as Record<string, unknown>)[key];
    if (value !== undefined) settings[key] = value;
  }
  const config = validateConnectorConfig<WebhookReceiverConfig>(webhookConfigSchema, settings, where);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const timestampHeader = config.timestampHeader.toLowerCase();
  const signatureHeader = config.signatureHeader.toLowerCase();
  let server: Server | undefined;

  async function decide(req: IncomingMessage, rawBody: Buffer): Promise<Reply> {
    const failure = checkSignature({ timestamp: single(req, timestampHeader), signature: single(req, signatureHeader), rawBody }, config.secret, config.toleranceSeconds, now());
    if (failure !== undefined) {
      logger.warn(`${partner} webhook: delivery refused (${failure})`, { partner, reason: failure });
      return UNAUTHORIZED;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return problem(400, 'Bad Request', 'The body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return problem(400, 'Bad Request', 'The event must be a JSON object.');
    const event = parsed as Record<string, unknown>;
    const eventId = event[config.eventIdField];
    if (typeof eventId !== 'string' || eventId.trim() === '' || eventId.length > 200) {
      return problem(400, 'Bad Request', `The event has no usable ${config.eventIdField}.`);
    }
    const record: WebhookEventRecord = {
      partner,
      eventId,
      type: typeof event.type === 'string' && event.type !== '' ? event.type : 'event',
      caseReference: typeof event.caseReference === 'string' ? event.caseReference : null,
      payload: event,
      bodySha256: createHash('sha256').update(rawBody).digest('hex'),
      signedAt: Number(single(req, timestampHeader)),
      receivedAt: new Date(now()).toISOString(),
    };
    let outcome: StoreOutcome;
    try {
      outcome = await onEvent(record);
    } catch (error) {
      // Not stored, so not acknowledged: the partner delivers again. The error is named, its content not logged.
      logger.warn(`${partner} webhook: event could not be stored`, { partner, eventId, error: error instanceof Error ? error.name : 'unknown' });
      return problem(500, 'Internal Server Error', 'The event could not be stored; deliver it again later.');
    }
    logger.info(`${partner} webhook: event ${outcome.inserted ? 'stored' : 'already stored'}`, { partner, eventId, type: record.type, duplicate: !outcome.inserted });
    return { status: 200, body: { eventId, status: outcome.inserted ? 'stored' : 'duplicate' } };
  }

  const handler: RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== config.path) return refuse(req, res, problem(404, 'Not Found', 'No such resource.'));
    if (req.method !== 'POST') return refuse(req, res, problem(405, 'Method Not Allowed', 'Use POST.', { Allow: 'POST' }));
    const tooLarge = problem(413, 'Payload Too Large', `The body is larger than ${config.maxBodyBytes} bytes.`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > config.maxBodyBytes) return refuse(req, res, tooLarge);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > config.maxBodyBytes) {
        refused = true;
        chunks.splice(0);
        refuse(req, res, tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (refused) return;
      decide(req, Buffer.concat(chunks))
        .then((reply) => send(res, reply))
        .catch(() => send(res, problem(500, 'Internal Server Error', 'Internal error.')));
    });
  };

  return {
    partner,
    handler,
    async listen() {
      if (!server) {
        const created = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, handler);
        await new Promise<void>((resolve, reject) => {
          created.once('error', reject);
          created.listen(config.port, config.host, () => { created.off('error', reject); resolve(); });
        });
        server = created;
      }
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host}:${port}${config.path}`;
    },
    async close() {
      const current = server;
      server = undefined;
      if (!current) return;
      await new Promise<void>((resolve) => {
        current.close(() => resolve());
        current.closeAllConnections();
      });
    },
  };
}

function single(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(reply.body);
  const contentType = reply.status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8';
  res.writeHead(reply.status, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store', ...reply.headers });
  res.end(body);
}

/** Answers without reading the rest of the body, and closes the connection once answered. */
function refuse(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  send(res, { ...reply, headers: { ...reply.headers, Connection: 'close' } });
  // Drain what is already coming so the client reads the answer rather than a reset.
  req.resume();
}
