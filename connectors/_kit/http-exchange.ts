/**
 * One HTTP(S) request/response, bounded in time and size, shared by the HTTP-based connectors (rest, soap,
 * xml-http). Wire failures come back as
 * HubErrors (PARTNER_TIMEOUT, PARTNER_UNAVAILABLE, PARTNER_BAD_RESPONSE) described by `label`, which
 * names the operation and the endpoint path template only: never the filled path or query.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { HubError } from '../../broker/errors';

export interface ExchangeRequest {
  agent: http.Agent | https.Agent;
  /** `https://host:port` (or `http://` where a partner's test endpoint has no TLS). */
  origin: URL;
  method: string;
  /** Full path on the server, query included. Personal data: never put it in a message. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  servername?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Whether the body of an answer with this status is wanted; otherwise it is drained and dropped. */
  wantsBody(status: number): boolean;
  /** `<partner> <operation> <METHOD origin/path-template>`, for error messages. */
  label: string;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  durationMs: number;
}

const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** Connection refused or reset, DNS, TLS: the endpoint is not reachable as configured. */
export function classifyWireError(error: unknown, label: string): HubError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  const what = TLS_ERROR.test(code) ? 'TLS handshake failed' : 'connection failed';
  // The cause carries socket details (address, port, TLS reason), never the request path.
  return new HubError('PARTNER_UNAVAILABLE', `${label}: ${what} (${code})`, { cause: error, extra: { errorCode: code } });
}

export function exchange(request: ExchangeRequest): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const started = performance.now();
    let settled = false;
    const finish = (outcome: { error: HubError } | { response: RawResponse }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('error' in outcome) {
        // Destroying the socket is deliberate: a half-read or late answer must not be reused.
        req.destroy();
        reject(outcome.error);
      } else {
        resolve(outcome.response);
      }
    };
    const tooLarge = (): HubError => new HubError('PARTNER_BAD_RESPONSE', `${request.label}: answer larger than ${request.maxResponseBytes} bytes`);

    const secure = request.origin.protocol === 'https:';
    const req = (secure ? https.request : http.request)({
      agent: request.agent,
      protocol: secure ? 'https:' : 'http:',
      hostname: request.origin.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: request.origin.port === '' ? (secure ? 443 : 80) : Number(request.origin.port),
      servername: request.servername,
      method: request.method,
      path: request.path,
      headers: request.headers,
    }, (res) => {
      const status = res.statusCode ?? 0;
      const durationMs = () => Math.round(performance.now() - started);
      if (!request.wantsBody(status)) {
        // Drain so a keep-alive socket can be reused, but give up on a flood.
        let drained = 0;
        res.on('data', (chunk: Buffer) => { drained += chunk.length; if (drained > request.maxResponseBytes) res.destroy(); });
        res.on('error', () => undefined);
        finish({ response: { status, headers: res.headers, body: Buffer.alloc(0), durationMs: durationMs() } });
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
        res.destroy();
        finish({ error: tooLarge() });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxResponseBytes) {
          res.destroy();
          finish({ error: tooLarge() });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish({ response: { status, headers: res.headers, body: Buffer.concat(chunks), durationMs: durationMs() } }));
      res.on('error', (error) => finish({ error: classifyWireError(error, request.label) }));
      res.on('close', () => {
        if (!res.complete) finish({ error: new HubError('PARTNER_UNAVAILABLE', `${request.label}: connection closed in the middle of the answer`) });
      });
    });
    const timer = setTimeout(() => {
      finish({ error: new HubError('PARTNER_TIMEOUT', `${request.label}: no complete answer within ${request.timeoutMs} ms`) });
    }, request.timeoutMs);
    req.on('error', (error) => finish({ error: classifyWireError(error, request.label) }));
    req.end(request.body);
  });
}
