/**
 * The part of a sandbox agency in front of its business logic, the same for every HTTP-based
 * agency: record each message, play the fault switches, enforce the rate limit, add latency.
 * Faults come before the agency's own checks, as a load balancer or gateway failing would.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { type Answer, singleHeader, writeAnswer } from './http';
import type { FaultSwitches } from './faults';
import type { SlidingWindowLimiter } from './rate-limit';
import type { InjectedFault, ReceivedLog } from './received-log';

export interface AgencyFrontOptions {
  faults: FaultSwitches;
  received: ReceivedLog;
  limiter: SlidingWindowLimiter;
  /** How this agency words an injected or rate-limit failure in its own protocol. */
  failure(kind: 'unavailable' | 'too-many-requests'): Answer;
  /** The agency's own answer to a request that got through. */
  handle(req: IncomingMessage): Answer | Promise<Answer>;
  /** Answer when `handle` throws (a sandbox bug): the agency's 500. */
  internalError(): Answer;
}

export interface AgencyFront {
  /** Request listener for the agency's server. */
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Makes the `down` switch close connections as soon as they are accepted. */
  attach(server: HttpServer | HttpsServer): void;
  /** Cancels pending delayed answers, so closing the sandbox leaves no timers behind. */
  shutdown(): void;
}

export function createAgencyFront(options: AgencyFrontOptions): AgencyFront {
  const { faults, received, limiter } = options;
  const timers = new Set<NodeJS.Timeout>();

  function refuse(socket: Socket): void {
    received.refusedConnection();
    socket.destroy();
  }

  async function decide(req: IncomingMessage): Promise<{ answer: Answer; fault: InjectedFault | null }> {
    if (faults.take('fail503')) return { answer: options.failure('unavailable'), fault: 'fail503' };
    if (faults.take('fail429')) {
      const answer = options.failure('too-many-requests');
      return { answer: withRetryAfter(answer, faults.retryAfterSeconds), fault: 'fail429' };
    }
    const rate = limiter.check();
    if (!rate.admitted) {
      return { answer: withRetryAfter(options.failure('too-many-requests'), rate.retryAfterSeconds), fault: 'rate-limit' };
    }
    try {
      return { answer: await options.handle(req), fault: null };
    } catch {
      return { answer: options.internalError(), fault: null };
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    // A keep-alive connection opened before the agency went down.
    if (faults.down) {
      refuse(req.socket);
      return;
    }
    const { path: rawPath, query } = splitUrl(req.url ?? '/');
    const entry = received.record({
      method: req.method ?? 'GET',
      path: rawPath,
      queryKeys: [...new URLSearchParams(query).keys()],
      messageId: singleHeader(req, 'x-message-id'),
      caseReference: singleHeader(req, 'x-case-reference'),
    });
    let clientGone = false;
    res.once('close', () => { clientGone = true; });

    if (faults.take('timeout')) {
      // Never answered: the client's own timeout (or closing the sandbox) ends it.
      received.heldUnanswered(entry);
      req.resume();
      return;
    }
    const delayMs = faults.latencyMs;
    const started = Date.now();
    decide(req)
      .then(async ({ answer, fault }) => {
        await sleep(Math.max(0, delayMs - (Date.now() - started)), timers);
        if (clientGone) return;
        writeAnswer(res, answer);
        received.answered(entry, answer.status, fault);
      })
      .catch(() => res.destroy());
  }

  return {
    onRequest,
    attach(server) {
      // Raw TCP, before any TLS handshake: a `down` agency does not even negotiate.
      server.on('connection', (socket: Socket) => {
        if (faults.down) refuse(socket);
      });
    },
    shutdown() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Path as received (still percent-encoded) and the raw query string. */
export function splitUrl(url: string): { path: string; query: string } {
  const at = url.indexOf('?');
  return at < 0 ? { path: url, query: '' } : { path: url.slice(0, at), query: url.slice(at + 1) };
}

function withRetryAfter(answer: Answer, seconds: number): Answer {
  return { ...answer, headers: { ...answer.headers, 'Retry-After': String(seconds) } };
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}
