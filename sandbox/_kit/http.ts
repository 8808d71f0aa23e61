/** Small node:http helpers the sandbox servers share (no framework on purpose: the sandbox is the wire). */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string;
  contentType?: string;
}

export function jsonAnswer(status: number, value: unknown, headers?: Record<string, string>): Answer {
  return { status, headers, body: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}

export function writeAnswer(res: ServerResponse, answer: Answer): void {
  const body = Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, {
    'Content-Type': answer.contentType ?? 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    ...answer.headers,
  });
  res.end(body);
}

export class BodyTooLargeError extends Error {}

/** Reads a request body up to `maxBytes`; larger bodies are refused rather than buffered. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > maxBytes) throw new BodyTooLargeError(`body larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Listens and resolves with the bound port (the real one when `port` is 0). */
export function listen(server: HttpServer | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and drops every open connection, including requests held on purpose. */
export function closeServer(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/** The host to put in a URL: a wildcard bind address is reached over loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** A header's trimmed value, or null when absent or blank. */
export function singleHeader(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
