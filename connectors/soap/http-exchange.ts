/**
 * One HTTP(S) POST bounded in time and size, for SOAP. Wire failures come back as HubErrors
 * (PARTNER_TIMEOUT, PARTNER_UNAVAILABLE, PARTNER_BAD_RESPONSE) described by `label`, which names the
 * partner, operation and endpoint, never a body value.
 */
import http from 'node:http';
import https from 'node:https';
import { HubError } from '../../broker/errors';

export interface PostRequest {
  agent: http.Agent | https.Agent;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
  label: string;
}

export interface PostResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  durationMs: number;
}

const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

export function classifyWireError(error: unknown, label: string): HubError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  const what = TLS_ERROR.test(code) ? 'TLS handshake failed' : 'connection failed';
  return new HubError('PARTNER_UNAVAILABLE', `${label}: ${what} (${code})`, { cause: error, extra: { errorCode: code } });
}

export function post(request: PostRequest): Promise<PostResponse> {
  return new Promise<PostResponse>((resolve, reject) => {
    const started = performance.now();
    let settled = false;
    const finish = (outcome: { error: HubError } | { response: PostResponse }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('error' in outcome) {
        // A half-read or late answer must not be reused on a keep-alive socket.
        req.destroy();
        reject(outcome.error);
      } else {
        resolve(outcome.response);
      }
    };
    const tooLarge = (): HubError => new HubError('PARTNER_BAD_RESPONSE', `${request.label}: answer larger than ${request.maxResponseBytes} bytes`);
    const send = request.url.protocol === 'https:' ? https.request : http.request;
    const req = send(request.url, { agent: request.agent, method: 'POST', headers: { ...request.headers, 'Content-Length': String(request.body.length) } }, (res) => {
      const status = res.statusCode ?? 0;
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
      res.on('end', () => finish({ response: { status, headers: res.headers, body: Buffer.concat(chunks), durationMs: Math.round(performance.now() - started) } }));
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
