/**
 * Test support for the portal suites (no jest globals here, so the build compiles it): a real Moleculer broker
 * running stand-in `requests`, `catalogue` and `hub` services that record what they were called with and answer
 * canned values, and a portal wired to it with a freshly generated signing key.
 */
import type { FastifyInstance } from 'fastify';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { ServiceBroker, type Context } from 'moleculer';
import { createPortal, createPortalAuth, issueToken, TOKEN_AUDIENCE, TOKEN_ISSUER, type Role, type SigningKeys } from './index';

export interface RecordedCall {
  action: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
}

export type Handler = (params: Record<string, unknown>) => unknown;

export const PDF_BYTES = Buffer.from('%PDF-1.7\n% attestation de test\n%%EOF\n', 'latin1');

const DEFAULT_ANSWERS: Record<string, Handler> = {
  'requests.create': () => ({ id: 'req-1', reference: 'LA-2026-000001', status: 'submitted', replayed: false }),
  'requests.get': (p) => ({ id: p.id, reference: 'LA-2026-000001', service: 'licence-authentication', post: 'CG-PARIS', status: 'submitted',
    history: [], exchanges: [], documents: [] }),
  'requests.list': (p) => ({ items: [], page: p.page, pageSize: p.pageSize, total: 0 }),
  'requests.act': (p) => ({ id: p.id, status: 'approved' }),
  'requests.document': () => ({ contentType: 'application/pdf', filename: 'attestation.pdf', contentBase64: PDF_BYTES.toString('base64') }),
  'catalogue.list': () => [{ code: 'licence-authentication', labels: { fr: 'Attestation', en: 'Attestation', ar: 'شهادة', es: 'Certificado' },
    requiredDocuments: [], fee: { amount: 0, currency: 'EUR' }, partners: ['narsa'] }],
  'hub.ready': () => ({ ready: true, checks: { database: 'up', broker: 'up' } }),
};

const SERVICES: Record<string, string[]> = { requests: ['create', 'get', 'list', 'act', 'document'], catalogue: ['list'], hub: ['ready'] };

/** The stand-in services. `answer()` replaces one action's behaviour until `reset()`. */
export class FakeHub {
  readonly broker = new ServiceBroker({ logger: false });
  readonly calls: RecordedCall[] = [];
  private readonly overrides = new Map<string, Handler>();

  constructor(services: string[] = Object.keys(SERVICES)) {
    for (const name of services) {
      const actions = Object.fromEntries((SERVICES[name] ?? []).map((action) => {
        const full = `${name}.${action}`;
        return [action, (ctx: Context<Record<string, unknown>, Record<string, unknown>>) => {
          this.calls.push({ action: full, params: ctx.params, meta: ctx.meta });
          const handler = this.overrides.get(full) ?? DEFAULT_ANSWERS[full];
          return handler === undefined ? undefined : handler(ctx.params);
        }];
      }));
      this.broker.createService({ name, actions });
    }
  }

  answer(action: string, handler: Handler): void {
    this.overrides.set(action, handler);
  }

  reset(): void {
    this.calls.length = 0;
    this.overrides.clear();
  }

  callsOf(action: string): RecordedCall[] {
    return this.calls.filter((c) => c.action === action);
  }
}

export async function generateTestKeys(): Promise<SigningKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}

/** A token with arbitrary claims, for the cases `issueToken` refuses to make (expired, no post, other audience). */
export async function rawToken(privateKeyPem: string, claims: Record<string, unknown>, opts: { expiresAt?: number; audience?: string } = {}): Promise<string> {
  const key = await importPKCS8(privateKeyPem, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setIssuer(TOKEN_ISSUER).setAudience(opts.audience ?? TOKEN_AUDIENCE)
    .setIssuedAt(now - 10).setExpirationTime(opts.expiresAt ?? now + 600).sign(key);
}

export interface TestPortal {
  hub: FakeHub;
  app: FastifyInstance;
  keys: SigningKeys;
  /** `Authorization` header value for a caller. */
  bearer(role: Role, post?: string, sub?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestPortalOptions {
  bodyLimitBytes?: number;
  /** Which stand-in services to run (default: all). */
  services?: string[];
  /** When given, the portal logs and every log line is pushed here. */
  logLines?: string[];
  /** Called before `ready()`, while hooks such as `onRoute` can still be added. */
  beforeReady?: (app: FastifyInstance) => void;
}

export async function startTestPortal(opts: TestPortalOptions = {}): Promise<TestPortal> {
  const hub = new FakeHub(opts.services);
  await hub.broker.start();
  const keys = await generateTestKeys();
  const { logLines } = opts;
  const app = createPortal({
    broker: hub.broker, auth: createPortalAuth({ publicKeyPem: keys.publicKeyPem }), bodyLimitBytes: opts.bodyLimitBytes,
    ...(logLines === undefined ? {} : { logger: true, logStream: { write: (line: string) => { logLines.push(line); } } }),
  });
  opts.beforeReady?.(app);
  await app.ready();
  return {
    hub, app, keys,
    bearer: async (role, post, sub = `${role}-1`) => `Bearer ${await issueToken({ privateKeyPem: keys.privateKeyPem, sub, role, post })}`,
    close: async () => {
      await app.close();
      await hub.broker.stop();
    },
  };
}

/** A valid create-request body (Amina EL FASSI, a demo person of DESIGN.md §4a). */
export function validCreateBody(): Record<string, unknown> {
  return {
    service: 'licence-authentication',
    post: 'CG-PARIS',
    applicant: { familyName: 'EL FASSI', givenNames: 'Amina', birthDate: '1990-04-12', cnie: 'BK123456', email: 'amina@example.org' },
    data: { licenceNumber: '12/345678' },
  };
}
