/**
 * The REST/JSON connector: one partner API over HTTPS (mutual TLS when configured), one attempt per
 * `send`, guarded by a circuit breaker and paced by a token bucket for its endpoint.
 */
import https from 'node:https';
import { HubError, isHubError } from '../../broker/errors';
import { EndpointBreaker } from '../_kit/circuit-breaker';
import { silentLogger, type Connector, type ConnectorDeps, type ConnectorHealth, type ConnectorLogger, type OutboundMessage, type PartnerAnswer } from '../_kit/contract';
import { checkOutboundMessage } from '../_kit/outbound-message';
import { TokenBucket } from '../_kit/rate-limiter';
import { failureForStatus, flattenHeaders, parseAnswerBody } from './answer';
import type { RestConnectorConfig, RestOperation } from './config-schema';
import { exchange, type RawResponse } from '../_kit/http-exchange';
import { OAuth2TokenSource, type AccessToken } from './oauth2-token-source';
import { buildRequest } from './request-template';
import { loadTlsMaterial, type TlsMaterial } from './tls-material';
import { tlsEndpointHealth } from './tls-probe';

/** Failures that say the endpoint itself is in trouble; they trip the breaker. Others prove it alive. */
function isEndpointFailure(error: unknown): boolean {
  return isHubError(error) && (error.code === 'PARTNER_TIMEOUT' || error.code === 'PARTNER_UNAVAILABLE');
}

interface Connection {
  agent: https.Agent;
  breaker: EndpointBreaker;
  tls: TlsMaterial;
}

export class RestConnector implements Connector {
  readonly protocol = 'rest';
  readonly partner: string;
  private readonly origin: URL;
  private readonly basePath: string;
  private readonly configPath: string;
  private readonly logger: ConnectorLogger;
  private readonly now: () => number;
  /** Per process, kept across reconnects: closing must not hand out a fresh burst. */
  private readonly limiter?: TokenBucket;
  /** One token for every send of this connector (OAuth2 client credentials), when configured. */
  private readonly tokens?: OAuth2TokenSource;
  private connection?: Connection;
  private connecting?: Promise<void>;

  constructor(private readonly config: RestConnectorConfig, deps: ConnectorDeps) {
    this.partner = deps.partner;
    this.configPath = deps.configPath ?? `partners.${deps.partner}.rest`;
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? Date.now;
    const url = new URL(config.baseUrl);
    this.origin = new URL(url.origin);
    this.basePath = url.pathname.replace(/\/+$/, '');
    if (config.rateLimit) this.limiter = new TokenBucket({ perSecond: config.rateLimit.perSecond, burst: config.rateLimit.burst }, `${this.partner} ${this.origin.origin}`);
    if (config.oauth2) {
      this.tokens = new OAuth2TokenSource(config.oauth2, {
        partner: this.partner,
        origin: url,
        timeoutMs: config.timeoutMs,
        maxResponseBytes: config.maxResponseBytes,
        servername: config.tls?.servername,
        now: this.now,
        beforeRequest: () => this.limiter?.acquire(config.timeoutMs) ?? Promise.resolve(),
      });
    }
  }

  /** Token requests made so far (0 without OAuth2): lets an operator or a test see the cache at work. */
  get tokenRequests(): number {
    return this.tokens?.requests ?? 0;
  }

  async connect(): Promise<void> {
    if (this.connection) return;
    // Two callers racing to connect share one attempt rather than build two agents.
    this.connecting ??= this.openConnection().finally(() => { this.connecting = undefined; });
    await this.connecting;
  }

  private async openConnection(): Promise<void> {
    const tls = await loadTlsMaterial(this.config.tls, this.configPath);
    const agent = new https.Agent({ keepAlive: true, ...tls, servername: this.config.tls?.servername });
    const breaker = new EndpointBreaker(`${this.partner} ${this.origin.origin}`, this.config.breaker, { isEndpointFailure, now: this.now });
    breaker.onStateChange((state) => this.logger.warn(`${this.partner}: circuit ${state}`, { partner: this.partner, endpoint: this.origin.origin, circuit: state }));
    this.connection = { agent, breaker, tls };
    this.logger.info(`${this.partner}: REST connector ready`, { partner: this.partner, endpoint: this.origin.origin, mutualTls: tls.cert !== undefined });
  }

  async send(msg: OutboundMessage): Promise<PartnerAnswer> {
    const connection = this.connection;
    if (!connection) throw new HubError('NOT_READY', `${this.partner}: REST connector is not connected`);
    checkOutboundMessage(msg, this.partner, Object.keys(this.config.operations));
    const operation = this.config.operations[msg.operation];
    const endpoint = `${operation.method} ${this.origin.origin}${this.basePath}${operation.path}`;
    const label = `${this.partner} ${msg.operation} (${endpoint})`;
    const built = buildRequest(operation, msg.payload, label);
    const headers = this.headersFor(msg, operation, built.body !== undefined);

    return connection.breaker.run(async () => {
      const attempt = async (token: AccessToken | undefined): Promise<RawResponse> => {
        await this.limiter?.acquire(this.config.timeoutMs);
        return exchange({
          agent: connection.agent,
          origin: this.origin,
          method: operation.method,
          path: `${this.basePath}${built.pathAndQuery}`,
          headers: token ? { ...headers, Authorization: `Bearer ${token.value}` } : headers,
          body: built.body,
          servername: this.config.tls?.servername,
          timeoutMs: this.config.timeoutMs,
          maxResponseBytes: this.config.maxResponseBytes,
          wantsBody: (status) => operation.answers.includes(status),
          label,
        });
      };
      let token = await this.tokens?.get(connection.agent);
      let raw = await attempt(token);
      if (raw.status === 401 && token && this.tokens && !operation.answers.includes(401)) {
        // The token expired or was revoked early: one fresh token and one more try, never a loop.
        this.logger.debug(`${label}: 401, refreshing the access token once`, { partner: this.partner, operation: msg.operation, messageId: msg.messageId });
        this.tokens.invalidate(token);
        token = await this.tokens.get(connection.agent);
        raw = await attempt(token);
      }
      this.logger.debug(`${label}: ${raw.status} in ${raw.durationMs} ms`, { partner: this.partner, operation: msg.operation, messageId: msg.messageId, status: raw.status, durationMs: raw.durationMs });
      if (!operation.answers.includes(raw.status)) throw failureForStatus(raw.status, raw.headers, label, this.now());
      const contentType = typeof raw.headers['content-type'] === 'string' ? raw.headers['content-type'] : undefined;
      return {
        status: raw.status,
        body: parseAnswerBody(raw.body, contentType, raw.status, label),
        headers: flattenHeaders(raw.headers),
        bytes: raw.body.length,
        durationMs: raw.durationMs,
        endpoint,
      };
    });
  }

  private headersFor(msg: OutboundMessage, operation: RestOperation, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'econsulat-hub',
      'X-Message-Id': msg.messageId,
      'X-Case-Reference': msg.caseReference,
    };
    if (msg.correlationId !== undefined) headers['X-Correlation-Id'] = msg.correlationId;
    // The message id is stable across retries, so the partner applies a retried write once.
    if (operation.method !== 'GET') headers['Idempotency-Key'] = msg.messageId;
    if (hasBody) headers['Content-Type'] = 'application/json; charset=utf-8';
    return headers;
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
    this.tokens?.clear();
    current.breaker.shutdown();
    // Ends idle keep-alive sockets and aborts requests still in flight (they fail PARTNER_UNAVAILABLE).
    current.agent.destroy();
  }
}
