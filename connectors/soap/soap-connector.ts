/**
 * The SOAP 1.1 connector (document/literal): one partner service described by its WSDL, one attempt
 * per `send`, WS-Security UsernameToken (PasswordDigest) and the common header block on every
 * envelope, guarded by a circuit breaker and paced by a token bucket for its endpoint.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { isAbsolute, join } from 'node:path';
import { HubError, isHubError } from '../../broker/errors';
import { EndpointBreaker } from '../_kit/circuit-breaker';
import { silentLogger, type Connector, type ConnectorDeps, type ConnectorHealth, type ConnectorLogger, type OutboundMessage, type PartnerAnswer } from '../_kit/contract';
import { checkOutboundMessage } from '../_kit/outbound-message';
import { TokenBucket } from '../_kit/rate-limiter';
import { PARTNER_BINDINGS_DIR } from '../partners/bindings';
import { interpretAnswer } from './answer';
import { BodySchema } from './body-schema';
import type { SoapConnectorConfig } from './config-schema';
import { envelope, PROTOCOL_VERSION, requestHeaderFields } from './envelope';
import { exchange } from '../_kit/http-exchange';
import { readWsdl, type WsdlSummary } from './wsdl';
import { usernameTokenHeader } from './ws-security';
import { toXmlElements, UnsafeXmlError } from './xml';

/** Failures that say the endpoint itself is in trouble; they trip the breaker. Others prove it alive. */
function isEndpointFailure(error: unknown): boolean {
  return isHubError(error) && (error.code === 'PARTNER_TIMEOUT' || error.code === 'PARTNER_UNAVAILABLE');
}

interface Connection {
  agent: http.Agent | https.Agent;
  breaker: EndpointBreaker;
  wsdl: WsdlSummary;
  /** Null when validation is off or the WSDL embeds no schema for its target namespace. */
  bodySchema: BodySchema | null;
  /** The same schema for answers; null when answer validation is off or there is no schema. */
  answerSchema: BodySchema | null;
}

export class SoapConnector implements Connector {
  readonly protocol = 'soap';
  readonly partner: string;
  private readonly url: URL;
  private readonly configPath: string;
  private readonly logger: ConnectorLogger;
  private readonly now: () => number;
  private readonly limiter?: TokenBucket;
  private connection?: Connection;
  private connecting?: Promise<void>;

  constructor(private readonly config: SoapConnectorConfig, deps: ConnectorDeps) {
    this.partner = deps.partner;
    this.configPath = deps.configPath ?? `partners.${deps.partner}.soap`;
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? Date.now;
    this.url = new URL(config.url);
    if (config.rateLimit) this.limiter = new TokenBucket({ perSecond: config.rateLimit.perSecond, burst: config.rateLimit.burst }, `${this.partner} ${this.url.origin}`);
  }

  async connect(): Promise<void> {
    if (this.connection) return;
    this.connecting ??= this.openConnection().finally(() => { this.connecting = undefined; });
    await this.connecting;
  }

  private async openConnection(): Promise<void> {
    const { wsdl, text } = await this.loadWsdl();
    const schema = BodySchema.fromWsdl(text, wsdl.targetNamespace);
    const bodySchema = this.config.validateRequests ? schema : null;
    const answerSchema = this.config.validateAnswers !== false ? schema : null;
    if ((this.config.validateRequests || this.config.validateAnswers !== false) && !schema) {
      this.logger.warn(`${this.partner}: the WSDL embeds no schema for ${wsdl.targetNamespace}; bodies are sent and read unchecked`, { partner: this.partner });
    }
    const ca = this.config.tls?.caPath === undefined ? undefined : await this.readConfigFile('tls.caPath', this.config.tls.caPath);
    const agent = this.url.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, ca, servername: this.config.tls?.servername })
      : new http.Agent({ keepAlive: true });
    const breaker = new EndpointBreaker(`${this.partner} ${this.url.origin}`, this.config.breaker, { isEndpointFailure, now: this.now });
    breaker.onStateChange((state) => this.logger.warn(`${this.partner}: circuit ${state}`, { partner: this.partner, endpoint: this.url.origin, circuit: state }));
    this.connection = { agent, breaker, wsdl, bodySchema, answerSchema };
    this.logger.info(`${this.partner}: SOAP connector ready`, { partner: this.partner, endpoint: this.url.origin, service: wsdl.serviceName });
  }

  private async loadWsdl(): Promise<{ wsdl: WsdlSummary; text: string }> {
    const path = isAbsolute(this.config.wsdlPath) ? this.config.wsdlPath : join(PARTNER_BINDINGS_DIR, this.config.wsdlPath);
    const text = (await this.readConfigFile('wsdlPath', path)).toString('utf8');
    let wsdl: WsdlSummary;
    try {
      wsdl = readWsdl(text);
    } catch (error) {
      throw new HubError('CONFIG_INVALID', `${this.configPath}.wsdlPath: ${error instanceof Error ? error.message : 'unreadable WSDL'}`);
    }
    const missing = Object.entries(this.config.operations).filter(([, op]) => !wsdl.operations.has(op.soapOperation));
    if (missing.length > 0) {
      const errors = missing.map(([name, op]) => ({ path: `${this.configPath}.operations["${name}"].soapOperation`, message: `"${op.soapOperation}" is not an operation of the WSDL` }));
      throw new HubError('CONFIG_INVALID', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
    }
    return { wsdl, text };
  }

  private async readConfigFile(setting: string, path: string): Promise<Buffer> {
    try {
      return await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new HubError('CONFIG_INVALID', `${this.configPath}.${setting}: cannot read ${path} (${code})`, { errors: [{ path: `${this.configPath}.${setting}`, message: `cannot read file (${code})` }] });
    }
  }

  async send(msg: OutboundMessage): Promise<PartnerAnswer> {
    const connection = this.connection;
    if (!connection) throw new HubError('NOT_READY', `${this.partner}: SOAP connector is not connected`);
    checkOutboundMessage(msg, this.partner, Object.keys(this.config.operations));
    const operation = this.config.operations[msg.operation];
    const wsdlOperation = connection.wsdl.operations.get(operation.soapOperation);
    if (!wsdlOperation) throw new HubError('CONFIG_INVALID', `${this.configPath}.operations["${msg.operation}"]: not in the WSDL`);
    const endpoint = `POST ${this.url.origin}${this.url.pathname} ${operation.soapOperation}`;
    const label = `${this.partner} ${msg.operation} (${endpoint})`;
    const bodyXml = this.buildBody(msg, wsdlOperation.inputElement, label);
    const body = this.buildEnvelope(msg, operation.service, bodyXml, connection.wsdl.targetNamespace, label);
    const schemaErrors = await connection.bodySchema?.check(bodyXml);
    if (schemaErrors && schemaErrors.length > 0) {
      // Names of elements only: libxml2's own messages quote values (personal data).
      const detail = schemaErrors.slice(0, 10).map((e) => `${e.path} ${e.message}`).join('; ');
      throw new HubError('VALIDATION_FAILED', `${label}: the body does not match the partner's schema: ${detail}`, { errors: schemaErrors });
    }

    return connection.breaker.run(async () => {
      await this.limiter?.acquire(this.config.timeoutMs);
      const raw = await exchange({
        agent: connection.agent,
        origin: new URL(this.url.origin),
        method: 'POST',
        path: this.url.pathname + this.url.search,
        ...(this.config.tls?.servername ? { servername: this.config.tls.servername } : {}),
        wantsBody: () => true,
        headers: {
          'Content-Length': String(body.length),
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: `"${wsdlOperation.soapAction}"`,
          Accept: 'text/xml',
          'User-Agent': 'econsulat-hub',
          ...(msg.correlationId === undefined ? {} : { 'X-Correlation-Id': msg.correlationId }),
        },
        body,
        timeoutMs: this.config.timeoutMs,
        maxResponseBytes: this.config.maxResponseBytes,
        label,
      });
      const headers = flatten(raw.headers);
      this.logger.debug(`${label}: ${raw.status} in ${raw.durationMs} ms`, { partner: this.partner, operation: msg.operation, messageId: msg.messageId, status: raw.status, durationMs: raw.durationMs });
      const interpreted = interpretAnswer(raw.status, headers, raw.body, {
        label, messageId: msg.messageId, sentBody: body, outputElement: wsdlOperation.outputElement, answerFaults: operation.answerFaults ?? [], retryableFaults: this.config.retryableFaults ?? [], now: this.now(),
      });
      if (interpreted.kind === 'output' && connection.answerSchema) {
        const errors = await connection.answerSchema.checkReceived(wsdlOperation.outputElement, interpreted.body);
        if (errors.length > 0) {
          throw new HubError('PARTNER_BAD_RESPONSE', `${label}: answer ${wsdlOperation.outputElement} does not match the partner's schema (${errors.map((e) => `${e.path} ${e.message}`).join('; ').slice(0, 300)})`,
            { errors, extra: { status: raw.status } });
        }
      }
      return { status: interpreted.status, body: interpreted.body, headers, bytes: raw.body.length, durationMs: raw.durationMs, endpoint };
    });
  }

  private buildBody(msg: OutboundMessage, inputElement: string, label: string): string {
    try {
      return `<tns:${inputElement}>${toXmlElements(msg.payload, 'tns')}</tns:${inputElement}>`;
    } catch (error) {
      const reason = error instanceof UnsafeXmlError ? error.message : 'cannot be serialised';
      throw new HubError('VALIDATION_FAILED', `${label}: payload ${reason}`);
    }
  }

  private buildEnvelope(msg: OutboundMessage, service: string, bodyXml: string, targetNamespace: string, label: string): Buffer {
    const header = requestHeaderFields({
      client: this.config.header.client,
      service,
      id: msg.messageId,
      userId: this.config.header.userId,
      issue: msg.caseReference,
      protocolVersion: PROTOCOL_VERSION,
    });
    const body = Buffer.from(envelope(targetNamespace, header, usernameTokenHeader(this.config.credentials, new Date(this.now())), bodyXml), 'utf8');
    if (body.length > this.config.maxRequestBytes) {
      throw new HubError('PAYLOAD_TOO_LARGE', `${label}: envelope of ${body.length} bytes exceeds the ${this.config.maxRequestBytes} bytes the partner accepts`);
    }
    return body;
  }

  async health(): Promise<ConnectorHealth> {
    const connection = this.connection;
    if (!connection) return { ok: false, detail: 'not connected' };
    const circuit = connection.breaker.state;
    if (circuit === 'open') return { ok: false, detail: `circuit open, next trial call in ${connection.breaker.retryAfterMs()} ms`, circuit };
    // No SOAP call (it would need a business message); a WSDL that loaded and a closed circuit are the signal.
    return { ok: true, detail: `${this.url.origin}: ${connection.wsdl.serviceName} ready`, circuit };
  }

  async close(): Promise<void> {
    if (this.connecting) await this.connecting.catch(() => undefined);
    const current = this.connection;
    if (!current) return;
    this.connection = undefined;
    current.breaker.shutdown();
    current.agent.destroy();
  }
}

function flatten(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
