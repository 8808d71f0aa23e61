/**
 * Control endpoint of the NARSA SFTP sandbox, the same shape as the other agencies' (plain HTTP on
 * 127.0.0.1 only, never on the SSH port), plus the agency's trigger:
 *
 *   GET  /_sandbox/state      faults, host key fingerprint, port, counts
 *   POST /_sandbox/faults     JSON body merged into the fault switches (400 and no change when bad)
 *   POST /_sandbox/reset      faults off, events cleared
 *   GET  /_sandbox/received   the events (what the hub did: names only)
 *   POST /_sandbox/run-night  the night run, now; answers its report
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type Answer, BodyTooLargeError, jsonAnswer, listen, readBody, writeAnswer } from '../../_kit/http';
import type { NarsaSftpFaults } from './faults';
import type { NightReport } from './night';
import type { SftpEvent } from '../../_kit/sftp-files';

const CONTROL_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 16 * 1024;

export interface SftpControlOptions {
  port: number;
  faults: NarsaSftpFaults;
  events: SftpEvent[];
  runNight(): Promise<NightReport>;
  state(): Record<string, unknown>;
}

const problem = (status: number, code: string, message: string): Answer => jsonAnswer(status, { code, message });

async function route(req: IncomingMessage, options: SftpControlOptions): Promise<Answer> {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  const expect = (allowed: string): Answer | undefined => (method === allowed ? undefined : { ...problem(405, 'method-not-allowed', `use ${allowed}`), headers: { Allow: allowed } });
  switch (path) {
    case '/_sandbox/state':
      return expect('GET') ?? jsonAnswer(200, { agency: 'narsa-sftp', faults: options.faults.snapshot(), ...options.state() });
    case '/_sandbox/received':
      return expect('GET') ?? jsonAnswer(200, { entries: options.events });
    case '/_sandbox/reset': {
      const refused = expect('POST');
      if (refused) return refused;
      req.resume();
      options.faults.reset();
      options.events.length = 0;
      return jsonAnswer(200, { faults: options.faults.snapshot() });
    }
    case '/_sandbox/run-night': {
      const refused = expect('POST');
      if (refused) return refused;
      req.resume();
      return jsonAnswer(200, await options.runNight());
    }
    case '/_sandbox/faults': {
      const refused = expect('POST');
      if (refused) return refused;
      let patch: unknown;
      try {
        const text = await readBody(req, MAX_BODY_BYTES);
        patch = JSON.parse(text === '' ? '{}' : text);
      } catch (error) {
        return error instanceof BodyTooLargeError ? problem(413, 'too-large', error.message) : problem(400, 'invalid-json', 'the body is not valid JSON');
      }
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return problem(400, 'invalid-faults', 'the body must be a JSON object');
      try {
        return jsonAnswer(200, { faults: options.faults.set(patch) });
      } catch (error) {
        return problem(400, 'invalid-faults', error instanceof Error ? error.message : 'invalid faults');
      }
    }
    default:
      req.resume();
      return problem(404, 'not-found', `no control route ${path}`);
  }
}

export async function startSftpControl(options: SftpControlOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    route(req, options)
      .then((answer) => writeAnswer(res, answer))
      .catch(() => writeAnswer(res, problem(500, 'internal', 'control endpoint failed')));
  });
  const port = await listen(server, options.port, CONTROL_HOST);
  return { server, port };
}
