/**
 * The DGSN sandbox: the national police's REST API over HTTPS with OAuth2 client credentials, signed
 * webhooks to the hub, and a loopback control endpoint to play its bad days. See README.md here.
 */
import type { Server as HttpServer } from 'node:http';
import { createServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAgencyFront } from '../_kit/agency-front';
import { FaultSwitches } from '../_kit/faults';
import { closeServer, listen, urlHost } from '../_kit/http';
import { SlidingWindowLimiter } from '../_kit/rate-limit';
import { ReceivedLog } from '../_kit/received-log';
import { type SandboxPki, ensureSandboxPki } from '../pki';
import { DgsnApi, problem } from './api';
import { startDgsnControl } from './control';
import { DgsnFaults } from './dgsn-faults';
import { TokenIssuer } from './tokens';
import { WebhookSender } from './webhooks';

export { API_BASE as DGSN_API_BASE, TOKEN_PATH as DGSN_TOKEN_PATH, type Transport } from './api';
export { CITIZENS as DGSN_DEMO_CITIZENS } from './register';
export { signDgsnEvent, type DgsnEvent, type Delivery } from './webhooks';
export type { DgsnFaultState } from './dgsn-faults';

export const DGSN_DEFAULT_CLIENT_ID = 'econsulat-hub';
export const DGSN_DEFAULT_CLIENT_SECRET = 'dgsn-sandbox-client-secret';
export const DGSN_DEFAULT_WEBHOOK_SECRET = 'dgsn-sandbox-webhook-secret';
export const DGSN_RATE_LIMIT = { requests: 20, windowMs: 1000 } as const;

export interface DgsnSandboxOptions {
  /** The hub's data directory; the PKI lives under `<dataDir>/sandbox/dgsn/pki`. */
  dataDir: string;
  /** Address of the HTTPS server; default 127.0.0.1. The control endpoint is always on 127.0.0.1. */
  host?: string;
  port?: number;
  controlPort?: number;
  /** Where events are posted (the hub's `POST /partners/dgsn/events`); without it events are kept, not sent. */
  webhookUrl?: string;
  webhookSecret?: string;
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of an access token (`expires_in`), default 300 s as in the contract. */
  tokenLifetimeSeconds?: number;
  /** Delay from a transport notification to its clearance, and from clearance to border arrival; default 2000 ms. */
  clearanceDelayMs?: number;
  /** First webhook retry delay (doubling, capped at 5 min, for 24 h); default 1000 ms. */
  webhookRetryBaseMs?: number;
  /** Clock, for tests (token expiry, dates); default Date.now. */
  now?: () => number;
}

export interface DgsnSandbox {
  /** `https://127.0.0.1:<port>`; API under `/dgsn/api/v2`, token endpoint `/dgsn/oauth/token`. */
  url: string;
  controlUrl: string;
  pki: SandboxPki;
  faults: DgsnFaults;
  received: ReceivedLog;
  limiter: SlidingWindowLimiter;
  tokens: TokenIssuer;
  webhooks: WebhookSender;
  transports: DgsnApi['transports'];
  /** Faults off, rate window, log, tokens, transports and webhooks cleared. */
  reset(): void;
  /** Points webhooks at the hub once its receiver listens (undefined: keep events, send nothing). */
  setWebhookUrl(url: string | undefined): void;
  close(): Promise<void>;
}

export async function startDgsnSandbox(options: DgsnSandboxOptions): Promise<DgsnSandbox> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const pki = await ensureSandboxPki(join(options.dataDir, 'sandbox', 'dgsn', 'pki'), { caCommonName: 'DGSN Sandbox CA' });
  const common = new FaultSwitches();
  const faults = new DgsnFaults(common);
  const received = new ReceivedLog();
  const limiter = new SlidingWindowLimiter(DGSN_RATE_LIMIT.requests, DGSN_RATE_LIMIT.windowMs);
  const tokens = new TokenIssuer({
    clientId: options.clientId ?? DGSN_DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DGSN_DEFAULT_CLIENT_SECRET,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 300,
    now,
  });
  const webhooks = new WebhookSender({
    url: options.webhookUrl,
    secret: options.webhookSecret ?? DGSN_DEFAULT_WEBHOOK_SECRET,
    faults,
    retryBaseMs: options.webhookRetryBaseMs ?? 1000,
    timeoutMs: 10_000,
    now,
  });
  const api = new DgsnApi({ tokens, faults, webhooks, now, clearanceDelayMs: options.clearanceDelayMs ?? 2000 });

  const front = createAgencyFront({
    faults: common,
    received,
    limiter,
    // Maintenance and overload both say when to come back, as the contract promises.
    failure: (kind) => kind === 'unavailable'
      ? problem(503, 'Service Unavailable', 'The service is under maintenance.', {}, { 'Retry-After': String(common.retryAfterSeconds) })
      : problem(429, 'Too Many Requests', 'Rate limit exceeded (20 requests per second).'),
    handle: (req) => api.handle(req),
    internalError: () => problem(500, 'Internal Server Error', 'Internal error.'),
  });

  const [key, cert] = await Promise.all([pki.serverKeyPath, pki.serverCertPath].map((p) => readFile(p)));
  const server = createServer({ key, cert, minVersion: 'TLSv1.2' }, front.onRequest);
  front.attach(server);
  server.on('tlsClientError', () => undefined);

  const reset = (): void => {
    faults.reset();
    received.clear();
    limiter.reset();
    tokens.reset();
    api.reset();
    webhooks.reset();
  };

  let control: { server: HttpServer; port: number } | undefined;
  try {
    const port = await listen(server, options.port ?? 0, host);
    const url = `https://${urlHost(host)}:${port}`;
    control = await startDgsnControl({
      port: options.controlPort ?? 0,
      faults,
      received,
      webhooks,
      onReset: () => { limiter.reset(); tokens.reset(); api.reset(); webhooks.reset(); },
      extraState: () => ({ url, rateLimit: DGSN_RATE_LIMIT, tokensIssued: tokens.issued, transports: api.transports.size, webhookUrl: webhooks.url ?? null }),
    });
    const controlServer = control.server;
    return {
      url,
      controlUrl: `http://127.0.0.1:${control.port}`,
      pki, faults, received, limiter, tokens, webhooks,
      transports: api.transports,
      reset,
      setWebhookUrl(url) { webhooks.url = url; },
      async close() {
        front.shutdown();
        api.reset();
        webhooks.shutdown();
        await Promise.all([closeServer(server), closeServer(controlServer)]);
      },
    };
  } catch (err) {
    front.shutdown();
    api.reset();
    webhooks.shutdown();
    await closeServer(server);
    if (control) await closeServer(control.server);
    throw err;
  }
}
