/**
 * DGSN's REST API, as dgsn.md states it, behind the kit's agency front (faults, rate limit, log):
 *   POST /dgsn/oauth/token                         form: grant_type=client_credentials, client_id, client_secret
 *   POST /dgsn/api/v2/identity/verifications       bearer token
 *   POST /dgsn/api/v2/remains-transports           bearer token, Idempotency-Key
 *   GET  /dgsn/api/v2/remains-transports/{id}      bearer token
 * Errors are application/problem+json; their details never repeat the caller's data.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { splitUrl } from '../_kit/agency-front';
import { type Answer, BodyTooLargeError, readBody, singleHeader } from '../_kit/http';
import type { DgsnFaults } from './dgsn-faults';
import { decideClearance, type TransportRequest, verifyIdentity } from './register';
import type { TokenIssuer } from './tokens';
import { type TransportRequestError, validateIdentityQuery, validateTransportRequest } from './validation';
import type { WebhookSender } from './webhooks';

export const TOKEN_PATH = '/dgsn/oauth/token';
export const API_BASE = '/dgsn/api/v2';
const MAX_BODY_BYTES = 64 * 1024;

export interface Transport {
  transportId: string;
  caseReference: string;
  state: 'RECEIVED' | 'CLEARED' | 'HELD';
  at?: string;
  remarks?: string;
}

export interface DgsnApiDeps {
  tokens: TokenIssuer;
  faults: DgsnFaults;
  webhooks: WebhookSender;
  now: () => number;
  /** Delay between a transport's notification and its clearance decision (then its border arrival). */
  clearanceDelayMs: number;
}

export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): Answer {
  return { status, headers, body: JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }), contentType: 'application/problem+json' };
}

export class DgsnApi {
  readonly transports = new Map<string, Transport>();
  private readonly byIdempotencyKey = new Map<string, { hash: string; transportId: string }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sequence = 0;

  constructor(private readonly deps: DgsnApiDeps) {}

  async handle(req: IncomingMessage): Promise<Answer> {
    const { path } = splitUrl(req.url ?? '/');
    if (path === TOKEN_PATH) return this.token(req);
    if (!path.startsWith(`${API_BASE}/`)) return drainThen(req, problem(404, 'Not Found', 'No such resource.'));
    const auth = this.deps.tokens.check(singleHeader(req, 'authorization'));
    if (auth.status !== 'valid') {
      const error = auth.status === 'missing' ? 'Bearer realm="dgsn"' : 'Bearer realm="dgsn", error="invalid_token"';
      return drainThen(req, problem(401, 'Unauthorized', 'A valid bearer token is required.', {}, { 'WWW-Authenticate': error }));
    }
    if (this.deps.faults.take('expireTokens') && auth.token !== undefined) {
      this.deps.tokens.revoke(auth.token);
      return drainThen(req, problem(401, 'Unauthorized', 'The access token has expired.', {}, { 'WWW-Authenticate': 'Bearer realm="dgsn", error="invalid_token"' }));
    }
    const route = path.slice(API_BASE.length);
    if (route === '/identity/verifications') return req.method === 'POST' ? this.verify(req) : notAllowed(req, 'POST');
    if (route === '/remains-transports') return req.method === 'POST' ? this.notifyTransport(req) : notAllowed(req, 'POST');
    const match = /^\/remains-transports\/([^/]+)$/.exec(route);
    if (match) return req.method === 'GET' ? this.transport(req, decodeSegment(match[1])) : notAllowed(req, 'GET');
    return drainThen(req, problem(404, 'Not Found', 'No such resource.'));
  }

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.transports.clear();
    this.byIdempotencyKey.clear();
  }

  private async token(req: IncomingMessage): Promise<Answer> {
    if (req.method !== 'POST') return notAllowed(req, 'POST');
    const body = await readSafely(req);
    if (body === undefined) return oauthError(400, 'invalid_request');
    const contentType = (singleHeader(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') return oauthError(400, 'invalid_request');
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
    if (!this.deps.tokens.checkClient(form.get('client_id'), form.get('client_secret'))) return oauthError(401, 'invalid_client');
    return { status: 200, headers: { Pragma: 'no-cache' }, body: JSON.stringify(this.deps.tokens.issue()), contentType: 'application/json; charset=utf-8' };
  }

  private async verify(req: IncomingMessage): Promise<Answer> {
    const parsed = await readJson(req);
    if (!parsed.ok) return parsed.answer;
    const query = validateIdentityQuery(parsed.value);
    if ('errors' in query) return invalid(query.errors);
    const today = new Date(this.deps.now()).toISOString().slice(0, 10);
    return json(200, verifyIdentity(query.value, today));
  }

  private async notifyTransport(req: IncomingMessage): Promise<Answer> {
    const key = singleHeader(req, 'idempotency-key');
    if (key === null) return drainThen(req, problem(400, 'Bad Request', 'The Idempotency-Key header is required.'));
    const parsed = await readJson(req);
    if (!parsed.ok) return parsed.answer;
    const checked = validateTransportRequest(parsed.value);
    if ('errors' in checked) return invalid(checked.errors);
    const hash = createHash('sha256').update(JSON.stringify(parsed.value)).digest('hex');
    const known = this.byIdempotencyKey.get(key);
    if (known) {
      if (known.hash !== hash) return problem(409, 'Conflict', 'This Idempotency-Key was used with another body.');
      return json(202, { transportId: known.transportId });
    }
    this.sequence += 1;
    const transportId = `TRP-${new Date(this.deps.now()).getUTCFullYear()}-${String(this.sequence).padStart(6, '0')}`;
    this.byIdempotencyKey.set(key, { hash, transportId });
    this.transports.set(transportId, { transportId, caseReference: checked.value.caseReference, state: 'RECEIVED' });
    this.later(this.deps.clearanceDelayMs, () => this.clear(transportId, checked.value));
    return json(202, { transportId });
  }

  private transport(req: IncomingMessage, transportId: string | undefined): Answer {
    req.resume();
    const found = transportId === undefined ? undefined : this.transports.get(transportId);
    if (!found) return problem(404, 'Not Found', 'No such transport.');
    // The contract's fields only: {transportId, state, at?, remarks?}.
    const { transportId: id, state, at, remarks } = found;
    return json(200, { transportId: id, state, ...(at ? { at } : {}), ...(remarks ? { remarks } : {}) });
  }

  /** The clearance decision, then (when cleared) the border arrival; out of order on demand. */
  private clear(transportId: string, request: TransportRequest): void {
    const transport = this.transports.get(transportId);
    if (!transport) return;
    const decision = decideClearance(request);
    const at = new Date(this.deps.now()).toISOString();
    Object.assign(transport, { state: decision.outcome, at, remarks: decision.remarks });
    const clearance = { type: 'TRANSPORT_CLEARANCE' as const, transportId, caseReference: transport.caseReference, outcome: decision.outcome, at, ...(decision.remarks ? { remarks: decision.remarks } : {}) };
    if (decision.outcome === 'HELD') {
      this.deps.webhooks.emit(clearance);
      return;
    }
    const outOfOrder = this.deps.faults.take('webhookOutOfOrder');
    if (!outOfOrder) this.deps.webhooks.emit(clearance);
    this.later(this.deps.clearanceDelayMs, () => {
      const arrivedAt = new Date(Math.max(this.deps.now(), Date.parse(at) + 1000)).toISOString();
      Object.assign(transport, { at: arrivedAt });
      this.deps.webhooks.emit({ type: 'BORDER_ARRIVAL', transportId, caseReference: transport.caseReference, outcome: 'CLEARED', at: arrivedAt });
      if (outOfOrder) this.deps.webhooks.emit(clearance);
    });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => { this.timers.delete(timer); fn(); }, ms);
    this.timers.add(timer);
  }
}

function json(status: number, value: unknown): Answer {
  return { status, body: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}

function oauthError(status: number, error: string): Answer {
  return { status, headers: { 'Cache-Control': 'no-store' }, body: JSON.stringify({ error }), contentType: 'application/json; charset=utf-8' };
}

function invalid(errors: TransportRequestError[]): Answer {
  return problem(400, 'Bad Request', 'The body does not match the contract.', { errors });
}

function notAllowed(req: IncomingMessage, allow: string): Answer {
  return drainThen(req, problem(405, 'Method Not Allowed', `Use ${allow}.`, {}, { Allow: allow }));
}

function drainThen(req: IncomingMessage, answer: Answer): Answer {
  req.resume();
  return answer;
}

function decodeSegment(segment: string): string | undefined {
  try { return decodeURIComponent(segment); } catch { return undefined; }
}

async function readSafely(req: IncomingMessage): Promise<string | undefined> {
  try {
    return await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return undefined;
    throw err;
  }
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; answer: Answer }> {
  const contentType = (singleHeader(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  const body = await readSafely(req);
  if (body === undefined) return { ok: false, answer: problem(413, 'Payload Too Large', `The body is larger than ${MAX_BODY_BYTES} bytes.`) };
  if (contentType !== 'application/json') return { ok: false, answer: problem(415, 'Unsupported Media Type', 'Send application/json.') };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false, answer: problem(400, 'Bad Request', 'The body is not valid JSON.') };
  }
}
