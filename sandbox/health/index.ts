/**
 * The Ministry of Health sandbox: XML over HTTPS (X-Api-Key), the request endpoint and the paged
 * decision feed, plus a loopback control endpoint to play its bad days. See sandbox/health/README.md.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { createAgencyFront, splitUrl } from '../_kit/agency-front';
import { startControlServer } from '../_kit/control-server';
import { type Answer, closeServer, listen, singleHeader, urlHost } from '../_kit/http';
import { SlidingWindowLimiter } from '../_kit/rate-limit';
import { ReceivedLog } from '../_kit/received-log';
import { type SandboxPki, ensureSandboxPki } from '../pki';
import { answerDecisions, DECISIONS_PATH, type FeedState } from './decisions';
import { answerDemande, DEMANDES_PATH, xmlAnswer } from './demandes';
import { HealthFaultSwitches } from './faults';
import { HealthRegister } from './register';
import { erreurs, NAMESPACE } from './xml';

export { HealthFaultSwitches, type HealthFaultState } from './faults';
export { HealthRegister, type Decision as HealthDecision } from './register';
export { REQUIRED_PIECES as HEALTH_REQUIRED_PIECES } from './rules';
export { rabatLocal } from './time';
export { DECISIONS_PATH as HEALTH_DECISIONS_PATH, DEMANDES_PATH as HEALTH_DEMANDES_PATH };

export const HEALTH_SANDBOX_API_KEY = 'sandbox-health-api-key';

export interface HealthSandboxOptions {
  /** The hub's data directory; the PKI lives under `<dataDir>/sandbox/health/pki`. */
  dataDir: string;
  host?: string;
  port?: number;
  controlPort?: number;
  /** The key the hub must send in X-Api-Key (default HEALTH_SANDBOX_API_KEY). */
  apiKey?: string;
  /** Items per feed page (100 per the contract; smaller in tests to page with few decisions). */
  pageSize?: number;
  /** Time between receipt and decision (0: decided at once). */
  decisionDelayMs?: number;
}

export interface HealthSandbox {
  /** `https://127.0.0.1:<port>`; the API is under `/sante/rapatriement`. */
  url: string;
  controlUrl: string;
  pki: SandboxPki;
  apiKey: string;
  faults: HealthFaultSwitches;
  received: ReceivedLog;
  register: HealthRegister;
  /** Faults off, received log, feed memory and register cleared: a clean agency, for tests. */
  reset(): void;
  close(): Promise<void>;
}

const OVERSIZE_BYTES = 2 * 1024 * 1024;

function keyMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Health's own bad days, applied to an answer on its way out. */
function spoil(answer: Answer, faults: HealthFaultSwitches): Answer {
  if (faults.takeHealth('malformedXml')) return { ...answer, body: answer.body.slice(0, Math.max(10, Math.floor(answer.body.length / 2))) };
  if (faults.takeHealth('doctype')) {
    const root = /<([A-Za-z]+) xmlns=/.exec(answer.body)?.[1] ?? 'Decisions';
    const body = answer.body.replace('<?xml version="1.0" encoding="UTF-8"?>\n', `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n`)
      .replace(/<(Numero|Motif)>/, '<$1>&xxe;');
    return { ...answer, body };
  }
  if (faults.takeHealth('schemaViolation')) return { ...answer, body: answer.body.replace(/<\/([A-Za-z]+)>\n$/, '<Inattendu>1</Inattendu></$1>\n') };
  if (faults.takeHealth('oversized')) return { ...answer, body: answer.body.replace('?>\n', `?>\n<!-- ${'x'.repeat(OVERSIZE_BYTES)} -->\n`) };
  return answer;
}

export async function startHealthSandbox(options: HealthSandboxOptions): Promise<HealthSandbox> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? HEALTH_SANDBOX_API_KEY;
  const pageSize = options.pageSize ?? 100;
  const pki = await ensureSandboxPki(join(options.dataDir, 'sandbox', 'health', 'pki'), { caCommonName: 'Health Sandbox CA' });
  const faults = new HealthFaultSwitches();
  const received = new ReceivedLog();
  // The contract states no rate limit: a generous one, so the limiter never decides in normal use.
  const limiter = new SlidingWindowLimiter(1000, 1000);
  const register = new HealthRegister();
  const feed: FeedState = {};

  async function handle(req: IncomingMessage): Promise<Answer> {
    const { path } = splitUrl(req.url ?? '/');
    if (!keyMatches(singleHeader(req, 'x-api-key'), apiKey)) {
      req.resume();
      return xmlAnswer(401, erreurs([{ champ: 'X-Api-Key', message: "Clé d'API absente ou invalide." }]));
    }
    let answer: Answer;
    if (path === DEMANDES_PATH) answer = await answerDemande(req, register, options.decisionDelayMs ?? 0);
    else if (path === DECISIONS_PATH) answer = answerDecisions(req, register, faults, feed, pageSize);
    else {
      req.resume();
      answer = xmlAnswer(404, erreurs([{ champ: 'chemin', message: 'Ressource inconnue.' }]));
    }
    return spoil(answer, faults);
  }

  const front = createAgencyFront({
    faults, received, limiter, handle,
    failure: (kind) => kind === 'unavailable'
      ? xmlAnswer(503, erreurs([{ champ: 'service', message: 'Service momentanément indisponible.' }]))
      : xmlAnswer(429, erreurs([{ champ: 'service', message: 'Trop de requêtes.' }])),
    internalError: () => xmlAnswer(500, erreurs([{ champ: 'service', message: 'Erreur interne.' }])),
  });

  const [key, cert] = await Promise.all([pki.serverKeyPath, pki.serverCertPath].map((p) => readFile(p)));
  const server = createServer({ key, cert, minVersion: 'TLSv1.2' }, front.onRequest);
  front.attach(server);
  server.on('tlsClientError', () => undefined);

  const forgetFeed = (): void => {
    limiter.reset();
    feed.lastBody = undefined;
    feed.lastItem = undefined;
  };

  let control: { server: HttpServer; port: number } | undefined;
  try {
    const port = await listen(server, options.port ?? 0, host);
    control = await startControlServer({
      agency: 'health',
      port: options.controlPort ?? 0,
      faults,
      received,
      onReset: () => forgetFeed(),
      extraState: () => ({ url: `https://${urlHost(host)}:${port}`, namespace: NAMESPACE, pageSize, decisions: register.decisions().length }),
    });
    const controlServer = control.server;
    return {
      url: `https://${urlHost(host)}:${port}`,
      controlUrl: `http://127.0.0.1:${control.port}`,
      pki, apiKey, faults, received, register,
      reset() {
        faults.reset();
        received.clear();
        register.clear();
        forgetFeed();
      },
      async close() {
        front.shutdown();
        await Promise.all([closeServer(server), closeServer(controlServer)]);
      },
    };
  } catch (err) {
    front.shutdown();
    await closeServer(server);
    if (control) await closeServer(control.server);
    throw err;
  }
}
