/**
 * The Ministry of Interior sandbox: the BurialService of the contract (SOAP 1.1 over HTTPS,
 * WS-Security UsernameToken) on a real socket, callbacks to the hub's ConsularCallbackService, and a
 * loopback control endpoint to play its bad days. See sandbox/interior/README.md.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startControlServer } from '../_kit/control-server';
import { writeFileAtomic } from '../_kit/files';
import { closeServer, listen, urlHost } from '../_kit/http';
import { ReceivedLog } from '../_kit/received-log';
import { type SandboxPki, ensureSandboxPki } from '../pki';
import { BurialService, type StoredState } from './burial-service';
import { CallbackSender } from './callbacks';
import { InteriorFaults } from './faults';
import { createSoapHttpsServer } from '../_kit/soap-https';
import { authenticate, type Credentials, faultXml, get, responseEnvelope, soapFront, str } from '../_kit/soap';

export { COMMUNES as INTERIOR_COMMUNES, PEOPLE as INTERIOR_PEOPLE } from './register';
export type { InteriorFaultState } from './faults';
export type { CallbackRecordEntry } from './callbacks';

/** Path of the BurialService; its WSDL is at `<path>?wsdl`. */
export const INTERIOR_PATH = '/inhumation/v1';
/** The contract's request size limit. */
export const INTERIOR_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface InteriorCredentials {
  /** What the hub presents to the Interior. */
  hub: Credentials;
  /** What the Interior presents to the hub's callback service. */
  interior: Credentials;
}

export const DEFAULT_INTERIOR_CREDENTIALS: InteriorCredentials = {
  hub: { username: 'econsulat-hub', password: 'sandbox-hub-secret' },
  interior: { username: 'mi-etatcivil', password: 'sandbox-interior-secret' },
};

export interface InteriorSandboxOptions {
  /** The hub's data directory; state under `<dataDir>/sandbox/interior/`. */
  dataDir: string;
  host?: string;
  port?: number;
  controlPort?: number;
  /** The hub's ConsularCallbackService URL; can be set later with `setCallbackUrl`. */
  callbackUrl?: string;
  credentials?: InteriorCredentials;
  /** PEM of the CA that issued the hub's certificate, when `callbackUrl` is https:// (else the system CAs). */
  callbackCa?: string | Buffer;
}

export interface InteriorSandbox {
  /** `https://127.0.0.1:<port>/inhumation/v1`. */
  url: string;
  controlUrl: string;
  pki: SandboxPki;
  faults: InteriorFaults;
  received: ReceivedLog;
  /** Every callback made, oldest first: id, operation, ticket, attempts, acknowledgements. */
  callbacks: CallbackSender['log'];
  setCallbackUrl(url: string | undefined): void;
  close(): Promise<void>;
}

const HEADER_FIELDS = ['client', 'service', 'id', 'userId', 'issue', 'protocolVersion'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OVERSIZE_PADDING = 11 * 1024 * 1024;
/** The sandbox's own WSDL copy; from the compiled copy under dist/ it is read from the source tree (tsc copies no .wsdl). */
const WSDL_PATH = existsSync(join(__dirname, 'burial-service.wsdl'))
  ? join(__dirname, 'burial-service.wsdl')
  : resolve(__dirname, '..', '..', '..', 'sandbox', 'interior', 'burial-service.wsdl');

export async function startInteriorSandbox(options: InteriorSandboxOptions): Promise<InteriorSandbox> {
  const host = options.host ?? '127.0.0.1';
  const credentials = options.credentials ?? DEFAULT_INTERIOR_CREDENTIALS;
  const dir = join(options.dataDir, 'sandbox', 'interior');
  await mkdir(dir, { recursive: true });
  const pki = await ensureSandboxPki(join(dir, 'pki'), { caCommonName: 'Interior Sandbox CA' });
  const statePath = join(dir, 'tickets.json');
  const state = await loadState(statePath);
  const persist = (): Promise<void> => writeFileAtomic(statePath, JSON.stringify(state), 0o600);
  const wsdl = await readFile(WSDL_PATH, 'utf8');

  const faults = new InteriorFaults();
  const received = new ReceivedLog();
  const nonces = new Map<string, number>();
  let callbackUrl = options.callbackUrl;
  const sender = new CallbackSender(() => callbackUrl, credentials.interior, faults, options.callbackCa);
  const service = new BurialService(state, persist);
  const timers = new Set<NodeJS.Timeout>();
  let selfUrl = '';

  const soapFault = (faultcode: string, message: string, code: Parameters<typeof faultXml>[2], id?: string, hash?: string, fields?: string[]): string =>
    responseEnvelope(id, hash, faultXml(faultcode, message, code, { fields }));

  async function answer(req: IncomingMessage): Promise<{ status: number; body: string | Buffer; contentType?: string; after?: () => void }> {
    const front = await soapFront(req, {
      maxBytes: INTERIOR_MAX_REQUEST_BYTES, path: INTERIOR_PATH, received, faults,
      tooLarge: () => ({ status: 413, body: soapFault('soapenv:Client', 'Requête trop volumineuse (10 Mo au plus).', 'VALIDATION', undefined, undefined, ['Body']) }),
    });
    if ('reply' in front) return front.reply;
    const { hash, env, id, issue, settle } = front.request;
    if (faults.takeExtra('serverFault')) { settle(500); return { status: 500, body: soapFault('soapenv:Server', 'Service momentanément indisponible.', 'UNAVAILABLE', id, hash) }; }
    if (faults.takeExtra('internalFault')) { settle(500); return { status: 500, body: soapFault('soapenv:Server', 'Erreur interne.', 'INTERNAL', id, hash) }; }

    if (!env || !env.bodyName) { settle(500); return { status: 500, body: soapFault('soapenv:Client', 'Enveloppe SOAP illisible.', 'VALIDATION', undefined, undefined, ['Envelope']) }; }
    if (!authenticate(env.header, credentials.hub, nonces)) {
      settle(500);
      return { status: 500, body: responseEnvelope(id, hash, faultXml('wsse:FailedAuthentication', 'Authentification refusée.', 'AUTHENTICATION')) };
    }
    const badHeader = HEADER_FIELDS.filter((f) => !str(get(env.header, f))).map((f) => `header.${f}`);
    if (id && !UUID.test(id)) badHeader.push('header.id');
    if (str(get(env.header, 'protocolVersion')) && str(get(env.header, 'protocolVersion')) !== '1.0') badHeader.push('header.protocolVersion');
    if (badHeader.length > 0 || !id || !issue) { settle(500); return { status: 500, body: soapFault('soapenv:Client', 'En-tête invalide.', 'VALIDATION', id, hash, badHeader) }; }

    const outcome = await service.handle(env, id, issue, hash);
    settle(outcome.status);
    let body: string | Buffer = outcome.xml;
    if (faults.takeExtra('oversized')) body = Buffer.concat([Buffer.from(outcome.xml), Buffer.from(`<!--${'x'.repeat(OVERSIZE_PADDING)}-->`)]);
    const callback = outcome.callback;
    if (!callback) return { status: outcome.status, body };
    const deliver = async (): Promise<void> => {
      await service.reveal(callback.ticket);
      if (faults.takeExtra('missCallbacks')) return;
      await sender.deliver(callback.job);
    };
    if (faults.callbackBeforeAck) {
      // The callback overtakes the Ack: the hub hears the decision before it has stored the ticket.
      await deliver();
      return { status: outcome.status, body };
    }
    return { status: outcome.status, body, after: () => schedule(deliver, faults.callbackDelayMs) };
  }

  function schedule(run: () => Promise<void>, ms: number): void {
    const timer = setTimeout(() => { timers.delete(timer); run().catch(() => undefined); }, ms);
    timers.add(timer);
  }

  const server = createSoapHttpsServer({
    key: await readFile(pki.serverKeyPath), cert: await readFile(pki.serverCertPath), path: INTERIOR_PATH, wsdl, selfUrl: () => selfUrl,
    faults, received, answer, internalError: () => soapFault('soapenv:Server', 'Erreur interne.', 'INTERNAL'),
    wait: (ms) => new Promise<void>((resolve) => schedule(async () => resolve(), ms)),
  });

  let control: { server: HttpServer; port: number } | undefined;
  const shutdown = (): void => {
    sender.close();
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
  try {
    const port = await listen(server, options.port ?? 0, host);
    selfUrl = `https://${urlHost(host)}:${port}${INTERIOR_PATH}`;
    control = await startControlServer({
      agency: 'interior',
      port: options.controlPort ?? 0,
      faults,
      received,
      // Tickets stay (they are the agency's register); the callback log starts clean like the received log.
      onReset: () => { sender.log.length = 0; },
      extraState: () => ({ url: selfUrl, callbackUrl: callbackUrl ?? null, tickets: state.tickets.length, callbacks: sender.log.slice(-100) }),
    });
    const controlServer = control.server;
    return {
      url: selfUrl,
      controlUrl: `http://127.0.0.1:${control.port}`,
      pki, faults, received,
      callbacks: sender.log,
      setCallbackUrl: (url) => { callbackUrl = url; },
      async close() {
        shutdown();
        await Promise.all([closeServer(server), closeServer(controlServer)]);
      },
    };
  } catch (err) {
    shutdown();
    await closeServer(server);
    if (control) await closeServer(control.server);
    throw err;
  }
}

async function loadState(path: string): Promise<StoredState> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as StoredState;
    if (typeof parsed.seq === 'number' && Array.isArray(parsed.tickets)) return parsed;
  } catch {
    // No state yet, or unreadable: start afresh (a sandbox, not a register).
  }
  return { seq: 0, tickets: [] };
}
