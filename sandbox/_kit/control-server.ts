/**
 * The control endpoint of a sandbox agency: plain HTTP on loopback only, never on the agency's
 * own port, so what the hub sees on the wire is exactly the agency's protocol.
 *
 *   GET  /_sandbox/state     faults, counts, limits
 *   POST /_sandbox/faults    JSON body merged into the fault switches
 *   POST /_sandbox/reset     faults off, rate window and received log cleared
 *   GET  /_sandbox/received  the received log
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { FaultPatchError, type FaultSwitches } from './faults';
import { type Answer, BodyTooLargeError, jsonAnswer, listen, readBody, writeAnswer } from './http';
import type { ReceivedLog } from './received-log';

export const CONTROL_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 16 * 1024;

export interface ControlServerOptions {
  agency: string;
  port: number;
  faults: FaultSwitches;
  received: ReceivedLog;
  /** Resets everything the agency keeps besides faults and the log (its rate window, say). */
  onReset(): void;
  /** Agency-specific facts added to `/_sandbox/state`. */
  extraState?(): Record<string, unknown>;
}

export async function startControlServer(options: ControlServerOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    route(req, options)
      .then((answer) => writeAnswer(res, answer))
      .catch(() => writeAnswer(res, error(500, 'internal', 'control endpoint failed')));
  });
  const port = await listen(server, options.port, CONTROL_HOST);
  return { server, port };
}

async function route(req: IncomingMessage, options: ControlServerOptions): Promise<Answer> {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  const { faults, received } = options;
  switch (path) {
    case '/_sandbox/state':
      if (method !== 'GET') return notAllowed('GET');
      return jsonAnswer(200, {
        agency: options.agency,
        faults: faults.snapshot(),
        counts: received.counts(),
        ...options.extraState?.(),
      });
    case '/_sandbox/received':
      if (method !== 'GET') return notAllowed('GET');
      return jsonAnswer(200, { entries: received.entries() });
    case '/_sandbox/faults': {
      if (method !== 'POST') return notAllowed('POST');
      const body = await readJson(req);
      if (!body.ok) return body.answer;
      try {
        return jsonAnswer(200, { faults: faults.set(body.value) });
      } catch (err) {
        if (err instanceof FaultPatchError) return error(400, 'invalid-faults', err.message);
        throw err;
      }
    }
    case '/_sandbox/reset':
      if (method !== 'POST') return notAllowed('POST');
      req.resume();
      faults.reset();
      received.clear();
      options.onReset();
      return jsonAnswer(200, { faults: faults.snapshot() });
    default:
      req.resume();
      return error(404, 'not-found', `no control route ${path}`);
  }
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; answer: Answer }> {
  try {
    const text = await readBody(req, MAX_BODY_BYTES);
    return { ok: true, value: JSON.parse(text === '' ? '{}' : text) as unknown };
  } catch (err) {
    if (err instanceof BodyTooLargeError) return { ok: false, answer: error(413, 'too-large', err.message) };
    return { ok: false, answer: error(400, 'invalid-json', 'the body is not valid JSON') };
  }
}

function notAllowed(allow: string): Answer {
  const answer = error(405, 'method-not-allowed', `use ${allow}`);
  return { ...answer, headers: { Allow: allow } };
}

function error(status: number, code: string, message: string): Answer {
  return jsonAnswer(status, { code, message });
}
