/**
 * A small HTTPS peer for connector tests, for behaviours no sandbox agency plays (an answer larger
 * than any limit, a custom status). It demands a client certificate from the given CA, like NARSA.
 * Test support only: nothing in the hub imports it.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export type PeerBehaviour = 'answer' | 'hold' | 'oversized';

export interface PeerPki {
  caCertPath: string;
  serverCertPath: string;
  serverKeyPath: string;
}

export interface PeerRequest {
  method: string;
  /** Path and query as they arrived on the wire. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface PeerAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpsTestPeer {
  url: string;
  received: PeerRequest[];
  /** Behaviour of the next request (then back to `answer`). */
  next(behaviour: PeerBehaviour): void;
  close(): Promise<void>;
}

export interface HttpsTestPeerOptions {
  pki: PeerPki;
  /** Size of the `oversized` answer. */
  oversizedBytes: number;
  answer?: (request: PeerRequest) => PeerAnswer;
}

const jsonAnswer = (): PeerAnswer => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });

export async function startHttpsTestPeer(options: HttpsTestPeerOptions): Promise<HttpsTestPeer> {
  const received: PeerRequest[] = [];
  const queued: PeerBehaviour[] = [];
  const answer = options.answer ?? jsonAnswer;

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const request: PeerRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    received.push(request);
    const behaviour = queued.shift() ?? 'answer';
    if (behaviour === 'hold') return; // never answered; close() ends the socket
    if (behaviour === 'oversized') {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Streamed without Content-Length, so the client has to count what arrives.
      res.end(`{"padding":"${'x'.repeat(options.oversizedBytes)}"}`);
      return;
    }
    const planned = answer(request);
    res.writeHead(planned.status, planned.headers ?? {});
    res.end(planned.body ?? '');
  };

  const server = https.createServer({
    ca: readFileSync(options.pki.caCertPath),
    cert: readFileSync(options.pki.serverCertPath),
    key: readFileSync(options.pki.serverKeyPath),
    requestCert: true,
    rejectUnauthorized: true,
  }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    received,
    next: (behaviour) => { queued.push(behaviour); },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
