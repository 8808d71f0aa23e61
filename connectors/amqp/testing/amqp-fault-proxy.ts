/**
 * A TCP proxy between a connector and a real RabbitMQ, for tests: it forwards bytes untouched until told
 * to hold the broker's next frames (a confirm that does not come in time), to pad the broker's next frame
 * beyond the size its header declares (an answer larger than announced: unreadable), or to drop every
 * connection (a network cut). It splits the broker's stream into AMQP frames: 7-byte header, payload, 0xCE.
 */
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface AmqpFaultProxy {
  /** `amqp://127.0.0.1:<port>` (no credentials, vhost `/`). */
  url: string;
  /** The broker's frames are held for `ms`, then delivered in order. */
  holdFor(ms: number): void;
  /** The broker's next frame reaches the client with one byte more than its header says. */
  padNextFrame(): void;
  dropConnections(): void;
  close(): Promise<void>;
}

const HEADER = 7;

export async function startAmqpFaultProxy(upstreamUrl: string): Promise<AmqpFaultProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  let holdUntil = 0;
  let padNext = false;

  const server: Server = createServer((client) => {
    const broker = tcpConnect(Number(upstream.port || 5672), upstream.hostname);
    sockets.add(client); sockets.add(broker);
    let pending = Buffer.alloc(0);
    const queue: Buffer[] = [];
    let flushTimer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      flushTimer = undefined;
      const wait = holdUntil - Date.now();
      if (wait > 0) { flushTimer = setTimeout(flush, wait); return; }
      for (const frame of queue.splice(0)) client.write(frame);
    };
    broker.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER) {
        const total = HEADER + pending.readUInt32BE(3) + 1;
        if (pending.length < total) break;
        let frame = pending.subarray(0, total);
        pending = pending.subarray(total);
        if (padNext) {
          padNext = false;
          frame = Buffer.concat([frame.subarray(0, total - 1), Buffer.from([0]), frame.subarray(total - 1)]);
        }
        queue.push(frame);
      }
      if (!flushTimer) flush();
    });
    client.on('data', (chunk: Buffer) => broker.write(chunk));
    const end = (): void => {
      if (flushTimer) clearTimeout(flushTimer);
      client.destroy(); broker.destroy();
      sockets.delete(client); sockets.delete(broker);
    };
    client.on('close', end); broker.on('close', end);
    client.on('error', end); broker.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `amqp://127.0.0.1:${port}`,
    holdFor: (ms) => { holdUntil = Date.now() + ms; },
    padNextFrame: () => { padNext = true; },
    dropConnections: () => { for (const socket of sockets) socket.destroy(); },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
