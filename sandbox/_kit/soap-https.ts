import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { esc } from './soap';

/** What a SOAP sandbox answers to one POST. */
export interface SoapHttpsReply {
  status: number;
  body: string | Buffer;
  contentType?: string;
  /** Lose the answer: the request was processed, the connection is cut before the reply (a lost answer). */
  cut?: boolean;
  /** Run once the reply is written (e.g. schedule a callback the agency sends after answering). */
  after?(): void;
}

export interface SoapHttpsOptions {
  key: Buffer;
  cert: Buffer;
  /** The service path; anything else is a 404. */
  path: string;
  /** The agency's WSDL, served at `<path>?wsdl` with its `soap:address` set to `selfUrl()`. */
  wsdl: string;
  selfUrl(): string;
  faults: { readonly down: boolean; readonly latencyMs: number };
  received: { refusedConnection(): void };
  answer(req: IncomingMessage): Promise<SoapHttpsReply>;
  /** The SOAP fault document of an unexpected failure, in the agency's own words. */
  internalError(): string;
  /** Waits `ms` on a timer the sandbox cancels when it closes. */
  wait(ms: number): Promise<void>;
}

function write(res: ServerResponse, status: number, body: string | Buffer, contentType = 'text/xml; charset=utf-8'): void {
  if (res.destroyed) return;
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(buf.length) });
  res.end(buf);
}

/**
 * The HTTPS front the SOAP sandboxes (Interior, Justice) share: down switch (connections refused), WSDL at `?wsdl`,
 * 404/405 outside the service, the latency switch, lost answers; the agency's own logic is `answer`.
 */
export function createSoapHttpsServer(o: SoapHttpsOptions): Server {
  const server = createServer({ key: o.key, cert: o.cert, minVersion: 'TLSv1.2' }, (req, res) => {
    if (o.faults.down) { o.received.refusedConnection(); req.socket.destroy(); return; }
    const [path, query = ''] = (req.url ?? '/').split('?', 2);
    if (path !== o.path) { req.resume(); write(res, 404, 'Not Found', 'text/plain; charset=utf-8'); return; }
    if (req.method === 'GET' && query.toLowerCase() === 'wsdl') {
      req.resume();
      write(res, 200, o.wsdl.replace(/(<soap:address location=")[^"]*(")/, `$1${esc(o.selfUrl())}$2`));
      return;
    }
    if (req.method !== 'POST') { req.resume(); write(res, 405, 'Method Not Allowed', 'text/plain; charset=utf-8'); return; }
    const started = Date.now();
    o.answer(req)
      .then(async (reply) => {
        const wait = o.faults.latencyMs - (Date.now() - started);
        if (wait > 0) await o.wait(wait);
        if (reply.cut) { req.socket.destroy(); return; }
        write(res, reply.status, reply.body, reply.contentType);
        reply.after?.();
      })
      .catch(() => write(res, 500, o.internalError()));
  });
  server.on('connection', (socket: Socket) => { if (o.faults.down) { o.received.refusedConnection(); socket.destroy(); } });
  server.on('tlsClientError', () => undefined);
  return server;
}
