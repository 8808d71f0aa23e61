/**
 * The DGSN sandbox's control endpoint: the kit's routes (state, faults, reset, received) with DGSN's
 * own switches accepted by `/_sandbox/faults`, plus `GET /_sandbox/webhooks`. Plain HTTP on 127.0.0.1.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { CONTROL_HOST } from '../_kit/control-server';
import { FaultPatchError } from '../_kit/faults';
import { type Answer, BodyTooLargeError, jsonAnswer, listen, readBody, writeAnswer } from '../_kit/http';
import type { ReceivedLog } from '../_kit/received-log';
import type { DgsnFaults } from './dgsn-faults';
import type { WebhookSender } from './webhooks';

export interface DgsnControlOptions {
  port: number;
  faults: DgsnFaults;
  received: ReceivedLog;
  webhooks: WebhookSender;
  onReset(): void;
  extraState(): Record<string, unknown>;
}

export async function startDgsnControl(options: DgsnControlOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    route(req, options)
      .then((answer) => writeAnswer(res, answer))
      .catch(() => writeAnswer(res, jsonAnswer(500, { code: 'internal', message: 'control endpoint failed' })));
  });
  return { server, port: await listen(server, options.port, CONTROL_HOST) };
}

async function route(req: IncomingMessage, options: DgsnControlOptions): Promise<Answer> {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  const { faults, received, webhooks } = options;
  const expect = (allowed: string): Answer | undefined => {
    if (method === allowed) return undefined;
    req.resume();
    return { ...jsonAnswer(405, { code: 'method-not-allowed', message: `use ${allowed}` }), headers: { Allow: allowed } };
  };
  switch (path) {
    case '/_sandbox/state':
      return expect('GET') ?? jsonAnswer(200, { agency: 'dgsn', faults: faults.snapshot(), counts: received.counts(), ...options.extraState() });
    case '/_sandbox/received':
      return expect('GET') ?? jsonAnswer(200, { entries: received.entries() });
    case '/_sandbox/webhooks':
      return expect('GET') ?? jsonAnswer(200, { url: webhooks.url ?? null, events: webhooks.events, deliveries: webhooks.deliveries });
    case '/_sandbox/faults': {
      const refused = expect('POST');
      if (refused) return refused;
      let patch: unknown;
      try {
        const text = await readBody(req, 16 * 1024);
        patch = JSON.parse(text === '' ? '{}' : text) as unknown;
      } catch (err) {
        if (err instanceof BodyTooLargeError) return jsonAnswer(413, { code: 'too-large', message: err.message });
        return jsonAnswer(400, { code: 'invalid-json', message: 'the body is not valid JSON' });
      }
      try {
        return jsonAnswer(200, { faults: faults.set(patch) });
      } catch (err) {
        if (err instanceof FaultPatchError) return jsonAnswer(400, { code: 'invalid-faults', message: err.message });
        throw err;
      }
    }
    case '/_sandbox/reset': {
      const refused = expect('POST');
      if (refused) return refused;
      req.resume();
      faults.reset();
      received.clear();
      options.onReset();
      return jsonAnswer(200, { faults: faults.snapshot() });
    }
    default:
      req.resume();
      return jsonAnswer(404, { code: 'not-found', message: `no control route ${path}` });
  }
}
