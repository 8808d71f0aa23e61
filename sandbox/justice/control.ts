/**
 * Control endpoint of the Justice sandbox, the same shape as the other agencies' (plain HTTP on
 * 127.0.0.1 only, never on the SOAP or SSH port), plus the Ministry's triggers:
 *
 *   GET  /_sandbox/state         faults, counts, ports, host key fingerprint, lots and plis
 *   POST /_sandbox/faults        JSON body merged into the fault switches (400 and no change when bad)
 *   POST /_sandbox/reset         faults off, received log and SFTP events cleared (the register stays)
 *   GET  /_sandbox/received      {entries: SOAP requests, messages: what each one did, sftp: what the hub did on SFTP}
 *   POST /_sandbox/publish-lot   {count} (1–1000, default 3): a lot of N documents, now; answers its report
 *   POST /_sandbox/complete-lot  {lotId}: writes the marker of a lot published incomplete
 *   POST /_sandbox/read-acks     reads the hub's new acknowledgements in /entrant; answers {read, all}
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { FaultPatchError } from '../_kit/faults';
import { type Answer, BodyTooLargeError, jsonAnswer, listen, readBody, writeAnswer } from '../_kit/http';

const CONTROL_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 16 * 1024;
export const MAX_LOT_SIZE = 1000;

export interface JusticeControlOptions {
  port: number;
  faults: { set(patch: unknown): unknown; snapshot(): unknown };
  reset(): void;
  state(): Record<string, unknown>;
  received(): Record<string, unknown>;
  publishLot(count: number): Promise<unknown>;
  completeLot(lotId: string): Promise<boolean>;
  readAcks(): Promise<{ read: unknown[]; all: unknown[] }>;
}

const problem = (status: number, code: string, message: string): Answer => jsonAnswer(status, { code, message });

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; answer: Answer }> {
  let value: unknown;
  try {
    const text = await readBody(req, MAX_BODY_BYTES);
    value = JSON.parse(text === '' ? '{}' : text);
  } catch (error) {
    return { ok: false, answer: error instanceof BodyTooLargeError ? problem(413, 'too-large', error.message) : problem(400, 'invalid-json', 'the body is not valid JSON') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, answer: problem(400, 'invalid-body', 'the body must be a JSON object') };
  return { ok: true, value: value as Record<string, unknown> };
}

async function route(req: IncomingMessage, options: JusticeControlOptions): Promise<Answer> {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  const expect = (allowed: string): Answer | undefined => {
    if (method === allowed) return undefined;
    req.resume();
    return { ...problem(405, 'method-not-allowed', `use ${allowed}`), headers: { Allow: allowed } };
  };
  switch (path) {
    case '/_sandbox/state':
      return expect('GET') ?? jsonAnswer(200, { agency: 'justice', faults: options.faults.snapshot(), ...options.state() });
    case '/_sandbox/received':
      return expect('GET') ?? jsonAnswer(200, options.received());
    case '/_sandbox/reset': {
      const refused = expect('POST');
      if (refused) return refused;
      req.resume();
      options.reset();
      return jsonAnswer(200, { faults: options.faults.snapshot() });
    }
    case '/_sandbox/faults': {
      const refused = expect('POST');
      if (refused) return refused;
      const body = await readJson(req);
      if (!body.ok) return body.answer;
      try {
        return jsonAnswer(200, { faults: options.faults.set(body.value) });
      } catch (error) {
        if (error instanceof FaultPatchError) return problem(400, 'invalid-faults', error.message);
        throw error;
      }
    }
    case '/_sandbox/publish-lot': {
      const refused = expect('POST');
      if (refused) return refused;
      const body = await readJson(req);
      if (!body.ok) return body.answer;
      const count = body.value.count ?? 3;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_LOT_SIZE) {
        return problem(400, 'invalid-count', `count must be an integer from 1 to ${MAX_LOT_SIZE}`);
      }
      return jsonAnswer(200, await options.publishLot(count));
    }
    case '/_sandbox/complete-lot': {
      const refused = expect('POST');
      if (refused) return refused;
      const body = await readJson(req);
      if (!body.ok) return body.answer;
      const lotId = body.value.lotId;
      if (typeof lotId !== 'string') return problem(400, 'invalid-lot', 'lotId must be a string');
      return (await options.completeLot(lotId)) ? jsonAnswer(200, { lotId, complete: true }) : problem(404, 'unknown-lot', 'no such lot');
    }
    case '/_sandbox/read-acks': {
      const refused = expect('POST');
      if (refused) return refused;
      req.resume();
      return jsonAnswer(200, await options.readAcks());
    }
    default:
      req.resume();
      return problem(404, 'not-found', `no control route ${path}`);
  }
}

export async function startJusticeControl(options: JusticeControlOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    route(req, options)
      .then((answer) => writeAnswer(res, answer))
      .catch(() => writeAnswer(res, problem(500, 'internal', 'control endpoint failed')));
  });
  const port = await listen(server, options.port, CONTROL_HOST);
  return { server, port };
}
