/**
 * The Ministry of Justice sandbox (justice.md): the SFTP server where the Ministry publishes lots of
 * judicial documents and reads the hub's acknowledgements, the SuiviPlisService (SOAP 1.1 over HTTPS,
 * WS-Security UsernameToken) receiving statuses and certificates of service, and a loopback control
 * endpoint to play its bad days. See sandbox/justice/README.md.
 */
import type { IncomingMessage } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { closeServer, listen, urlHost } from '../_kit/http';
import { ReceivedLog } from '../_kit/received-log';
import type { SftpEvent } from '../_kit/sftp-files';
import { startSftpServer } from '../_kit/sftp-server';
import { createSoapHttpsServer } from '../_kit/soap-https';
import { authenticate, type Credentials, esc, get, soapFront, str } from '../_kit/soap';
import { type SandboxPki, ensureSandboxPki } from '../pki';
import { startJusticeControl } from './control';
import { JusticeFaults } from './faults';
import { type AckReport, LotPublisher, type PublishReport } from './lots';
import { Register, type RegisterState } from './register';
import { justiceFault, SuiviPlisService } from './suivi-service';

export { JusticeFaults, type JusticeFaultState } from './faults';
export type { AckReport, PublishReport, PublishedPli } from './lots';
export { DEMO_ADDRESSEES as JUSTICE_DEMO_ADDRESSEES, DISTRICT_COUNTRIES as JUSTICE_DISTRICT_COUNTRIES } from './people';
export type { RegisterState as JusticeRegisterState } from './register';

/** Path of SuiviPlisService; its WSDL is at `<path>?wsdl`. */
export const JUSTICE_SOAP_PATH = '/justice/plis/v1';
export const JUSTICE_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface JusticeCredentials {
  /** The UsernameToken the Ministry issued to the hub for SuiviPlisService. */
  hub: Credentials;
  /** The SFTP account the Ministry opened for the hub (key login only). */
  sftpUsername: string;
}

export const DEFAULT_JUSTICE_CREDENTIALS: JusticeCredentials = {
  hub: { username: 'econsulat-hub', password: 'sandbox-justice-secret' },
  sftpUsername: 'econsulat',
};

export interface JusticeSandboxOptions {
  /** The hub's data directory; state under `<dataDir>/sandbox/justice/`. */
  dataDir: string;
  /** The hub's SSH public key, one OpenSSH line: the only key the SFTP server lets in. */
  hubPublicKey: string;
  host?: string;
  sftpPort?: number;
  soapPort?: number;
  controlPort?: number;
  credentials?: JusticeCredentials;
}

export interface JusticeSandbox {
  /** `https://<host>:<port>/justice/plis/v1` (SuiviPlisService). */
  url: string;
  /** `sftp://<host>:<port>`. */
  sftpUrl: string;
  host: string;
  sftpPort: number;
  sftpUsername: string;
  controlUrl: string;
  /** Host public key (OpenSSH line) and its `SHA256:…` fingerprint, for the hub's pin. */
  hostPublicKey: string;
  hostKeyFingerprint: string;
  /** TLS of the SOAP service: `caCertPath` is what the hub trusts. */
  pki: SandboxPki;
  /** Folder on disk that is `/` of the SFTP server (`sortant/`, `entrant/`). */
  root: string;
  faults: JusticeFaults;
  received: ReceivedLog;
  /** What the hub did on SFTP (names only). */
  sftpEvents: SftpEvent[];
  /** The register: lots, plis, statuses and certificates received, message ids seen. */
  register: RegisterState;
  /** Publishes a lot of `count` documents now (or re-delivers the last one, per the switches). */
  publishLot(count: number): Promise<PublishReport>;
  completeLot(lotId: string): Promise<boolean>;
  /** Reads the hub's acknowledgements not read yet; every one read so far is in `acknowledgements`. */
  readAcknowledgements(): Promise<AckReport[]>;
  acknowledgements: AckReport[];
  close(): Promise<void>;
}

const HEADER_FIELDS = ['client', 'service', 'id', 'userId', 'issue', 'protocolVersion'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_EVENTS = 10_000;
/** The sandbox's own WSDL copy; from the compiled copy under dist/ it is read from the source tree (tsc copies no .wsdl). */
const WSDL_PATH = existsSync(join(__dirname, 'suivi-plis.wsdl'))
  ? join(__dirname, 'suivi-plis.wsdl')
  : resolve(__dirname, '..', '..', '..', 'sandbox', 'justice', 'suivi-plis.wsdl');

interface Reply { status: number; body: string; contentType?: string; cut?: boolean }

export async function startJusticeSandbox(options: JusticeSandboxOptions): Promise<JusticeSandbox> {
  const host = options.host ?? '127.0.0.1';
  const credentials = options.credentials ?? DEFAULT_JUSTICE_CREDENTIALS;
  const dir = join(options.dataDir, 'sandbox', 'justice');
  const root = join(dir, 'sftp-root');
  await Promise.all(['sortant', 'entrant'].map((d) => mkdir(join(root, d), { recursive: true })));
  const pki = await ensureSandboxPki(join(dir, 'pki'), { caCommonName: 'Justice Sandbox CA' });
  const register = await Register.open(join(dir, 'register.json'));
  const wsdl = await readFile(WSDL_PATH, 'utf8');
  const faults = new JusticeFaults();
  const received = new ReceivedLog();
  const sftpEvents: SftpEvent[] = [];
  const lots = new LotPublisher(root, register, faults);
  const service = new SuiviPlisService(register);
  const nonces = new Map<string, number>();
  const messages: Array<{ at: string; messageId: string | null; operation: string; idPli?: string; verdict: string }> = [];
  const timers = new Set<NodeJS.Timeout>();
  let selfUrl = '';

  const respond = (id: string | undefined, hash: string | undefined, bodyXml: string): string => {
    const header = (id ? `<hdr:id>${esc(id)}</hdr:id>` : '') + (hash ? `<hdr:requestHash>${hash}</hdr:requestHash>` : '');
    return '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
      + 'xmlns:hdr="urn:ma:gov:xchg:header:v1" xmlns:jus="urn:ma:justice:plis:v1">'
      + `<soapenv:Header>${header}</soapenv:Header><soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`;
  };
  const note = (messageId: string | null, operation: string, verdict: string, idPli?: string): void => {
    messages.push({ at: new Date().toISOString(), messageId, operation, idPli, verdict });
    if (messages.length > MAX_EVENTS) messages.shift();
  };

  async function answer(req: IncomingMessage): Promise<Reply> {
    const front = await soapFront(req, {
      maxBytes: JUSTICE_MAX_REQUEST_BYTES, path: JUSTICE_SOAP_PATH, received, faults,
      tooLarge: () => ({ status: 413, body: respond(undefined, undefined, justiceFault('soapenv:Client', 'Requête trop volumineuse.', 'REQUETE_INVALIDE', ['Body'])) }),
    });
    if ('reply' in front) return front.reply;
    const { hash, env, id, settle } = front.request;
    if (faults.takeExtra('unavailableFault')) {
      settle(500);
      return { status: 500, body: respond(id, hash, justiceFault('soapenv:Server', 'Service momentanément indisponible.', 'INDISPONIBLE')) };
    }
    if (!env || !env.bodyName) { settle(500); return { status: 500, body: respond(undefined, undefined, justiceFault('soapenv:Client', 'Enveloppe SOAP illisible.', 'REQUETE_INVALIDE', ['Envelope'])) }; }
    if (!authenticate(env.header, credentials.hub, nonces)) {
      settle(500);
      return { status: 500, body: respond(id, hash, justiceFault('wsse:FailedAuthentication', 'Authentification refusée.', 'AUTHENTIFICATION')) };
    }
    const badHeader = HEADER_FIELDS.filter((f) => !str(get(env.header, f))).map((f) => `header.${f}`);
    if (id && !UUID.test(id)) badHeader.push('header.id');
    if (str(get(env.header, 'protocolVersion')) && str(get(env.header, 'protocolVersion')) !== '1.0') badHeader.push('header.protocolVersion');
    if (badHeader.length > 0 || !id) { settle(500); return { status: 500, body: respond(id, hash, justiceFault('soapenv:Client', 'En-tête invalide.', 'REQUETE_INVALIDE', badHeader)) }; }

    const outcome = await service.handle(env, id);
    note(id, outcome.operation, outcome.verdict, outcome.idPli);
    settle(outcome.status);
    // loseAnswer: the Ministry has the message, the hub never hears so.
    return { status: outcome.status, body: respond(id, hash, outcome.bodyXml), cut: outcome.status === 200 && faults.takeExtra('loseAnswer') };
  }

  const server = createSoapHttpsServer({
    key: await readFile(pki.serverKeyPath), cert: await readFile(pki.serverCertPath), path: JUSTICE_SOAP_PATH, wsdl, selfUrl: () => selfUrl,
    faults, received, answer, internalError: () => respond(undefined, undefined, justiceFault('soapenv:Server', 'Erreur interne.', 'INDISPONIBLE')),
    wait: (ms) => new Promise<void>((done) => {
      const timer = setTimeout(() => { timers.delete(timer); done(); }, ms);
      timers.add(timer);
    }),
  });

  const recordEvent = (event: SftpEvent): void => {
    sftpEvents.push(event);
    if (sftpEvents.length > MAX_EVENTS) sftpEvents.shift();
  };
  const ssh = await startSftpServer({
    root, hostKeyDir: join(dir, 'host-key'), hostKeyComment: 'justice-sandbox', hubPublicKey: options.hubPublicKey,
    username: credentials.sftpUsername, host, port: options.sftpPort ?? 0, isDown: () => faults.down, record: recordEvent,
    faults: { holdRequest: () => faults.takeExtra('holdSftp'), padUpload: () => false },
  });
  let control: Awaited<ReturnType<typeof startJusticeControl>> | undefined;
  const shutdown = async (): Promise<void> => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await Promise.all([closeServer(server), ssh.close(), control ? closeServer(control.server) : Promise.resolve()]);
  };
  try {
    const soapPort = await listen(server, options.soapPort ?? 0, host);
    selfUrl = `https://${urlHost(host)}:${soapPort}${JUSTICE_SOAP_PATH}`;
    const sftpUrl = `sftp://${urlHost(host)}:${ssh.port}`;
    const publishLot = (count: number): Promise<PublishReport> => lots.publishLot(count);
    control = await startJusticeControl({
      port: options.controlPort ?? 0,
      faults,
      reset: () => { faults.reset(); received.clear(); sftpEvents.length = 0; messages.length = 0; },
      state: () => ({
        url: selfUrl, sftpUrl, hostKeyFingerprint: ssh.hostKeyFingerprint, counts: received.counts(), connections: ssh.connections(),
        lots: Object.keys(register.state.lots).length, plis: Object.keys(register.state.plis).length, acknowledgements: lots.acknowledgements.length,
      }),
      received: () => ({ entries: received.entries(), messages, sftp: sftpEvents }),
      publishLot,
      completeLot: (lotId) => lots.completeLot(lotId),
      readAcks: async () => ({ read: await lots.readAcknowledgements(), all: lots.acknowledgements }),
    });
    return {
      url: selfUrl, sftpUrl, host, sftpPort: ssh.port, sftpUsername: credentials.sftpUsername,
      controlUrl: `http://127.0.0.1:${control.port}`,
      hostPublicKey: ssh.hostPublicKey, hostKeyFingerprint: ssh.hostKeyFingerprint,
      pki, root, faults, received, sftpEvents, register: register.state,
      publishLot,
      completeLot: (lotId) => lots.completeLot(lotId),
      readAcknowledgements: () => lots.readAcknowledgements(),
      acknowledgements: lots.acknowledgements,
      close: shutdown,
    };
  } catch (err) {
    await shutdown();
    throw err;
  }
}
