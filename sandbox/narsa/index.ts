/**
 * The NARSA sandbox, REST side: the agency's licence check over HTTPS with mutual TLS, plus a
 * loopback control endpoint to play its bad days. See sandbox/README.md.
 */
import type { Server as HttpServer } from 'node:http';
import { createServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAgencyFront } from '../_kit/agency-front';
import { startControlServer } from '../_kit/control-server';
import { FaultSwitches } from '../_kit/faults';
import { closeServer, listen, urlHost } from '../_kit/http';
import { SlidingWindowLimiter } from '../_kit/rate-limit';
import { ReceivedLog } from '../_kit/received-log';
import { type SandboxPki, ensureSandboxPki } from '../pki';
import { answerPermis, narsaError } from './permis';

export { BASE_PATH as NARSA_BASE_PATH, NarsaError } from './permis';
export { PERMIS as NARSA_DEMO_LICENCES } from './data';
// The SFTP batch side is a separate server with its own options (see sftp/README.md).
export { startNarsaSftpSandbox, NarsaSftpFaults, type NarsaSftpSandbox, type NarsaSftpSandboxOptions, type NarsaSftpFaultState, type NightReport, type SftpEvent } from './sftp';

export interface NarsaSandboxOptions {
  /** The hub's data directory; the PKI lives under `<dataDir>/sandbox/narsa/pki`. */
  dataDir: string;
  /** Address of the HTTPS server; default 127.0.0.1. The control endpoint is always on 127.0.0.1. */
  host?: string;
  /** HTTPS port; 0 (the default) picks a free one. */
  port?: number;
  /** Control endpoint port; 0 (the default) picks a free one. */
  controlPort?: number;
}

export interface NarsaSandbox {
  /** `https://127.0.0.1:<port>`; the API is under `/narsa/v1`. */
  url: string;
  /** `http://127.0.0.1:<port>`; routes under `/_sandbox`. */
  controlUrl: string;
  pki: SandboxPki;
  faults: FaultSwitches;
  received: ReceivedLog;
  /** The rate limit (10 requests in any one-second window), exposed so tests can clear it. */
  limiter: SlidingWindowLimiter;
  close(): Promise<void>;
}

export const NARSA_RATE_LIMIT = { requests: 10, windowMs: 1000 } as const;

export async function startNarsaSandbox(options: NarsaSandboxOptions): Promise<NarsaSandbox> {
  const host = options.host ?? '127.0.0.1';
  const pki = await ensureSandboxPki(join(options.dataDir, 'sandbox', 'narsa', 'pki'), { caCommonName: 'NARSA Sandbox CA' });
  const faults = new FaultSwitches();
  const received = new ReceivedLog();
  const limiter = new SlidingWindowLimiter(NARSA_RATE_LIMIT.requests, NARSA_RATE_LIMIT.windowMs);

  const front = createAgencyFront({
    faults,
    received,
    limiter,
    failure: (kind) => kind === 'unavailable'
      ? narsaError(503, 'SERVICE_INDISPONIBLE', 'Service momentanément indisponible.')
      : narsaError(429, 'TROP_DE_REQUETES', 'Trop de requêtes : réessayez après le délai indiqué.'),
    handle: answerPermis,
    internalError: () => narsaError(500, 'ERREUR_INTERNE', 'Erreur interne.'),
  });

  const [key, cert, ca] = await Promise.all([pki.serverKeyPath, pki.serverCertPath, pki.caCertPath].map((p) => readFile(p)));
  const server = createServer({
    key,
    cert,
    ca,
    // Mutual TLS: a client without a certificate issued by the agency's CA fails the handshake.
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  }, front.onRequest);
  front.attach(server);
  // Handshake failures are the expected answer to a client without the right certificate;
  // nothing to report (and printing peer details could leak who called).
  server.on('tlsClientError', () => undefined);

  let control: { server: HttpServer; port: number } | undefined;
  try {
    const port = await listen(server, options.port ?? 0, host);
    control = await startControlServer({
      agency: 'narsa',
      port: options.controlPort ?? 0,
      faults,
      received,
      onReset: () => limiter.reset(),
      extraState: () => ({ rateLimit: NARSA_RATE_LIMIT, url: `https://${urlHost(host)}:${port}` }),
    });
    const controlServer = control.server;
    return {
      url: `https://${urlHost(host)}:${port}`,
      controlUrl: `http://127.0.0.1:${control.port}`,
      pki,
      faults,
      received,
      limiter,
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
