import Fastify, { type FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { PortalAuth } from './auth';
import { correlationIdOf, echoCorrelationId } from './correlation';
import { handleFrameworkError, registerErrorHandling } from './error-handler';
import { registerJsonBody } from './json-body';
import { loggerOptions, logController } from './logging';
import { catalogueRoutes } from './routes/catalogue';
import { documentRoutes } from './routes/documents';
import { healthRoutes } from './routes/health';
import { openApiRoutes } from './routes/openapi';
import { requestsRoutes } from './routes/requests';
import { escalationsRoutes } from './routes/escalations';
import { judicialDocumentsRoutes } from './routes/judicial-documents';
import { registrationRoutes } from './routes/registrations';
import { validatorCompiler } from './validation';

export {
  createPortalAuth, issueToken, isRole, loadOrCreateSigningKeys, ROLES, TOKEN_AUDIENCE, TOKEN_ISSUER,
  PRIVATE_KEY_FILE, PUBLIC_KEY_FILE,
  type AuthContext, type IssueTokenOptions, type PortalAuth, type PortalAuthOptions, type Role, type SigningKeys,
} from './auth';
export type { PortalCallMeta } from './broker-call';
export { CORRELATION_HEADER } from './correlation';
export { buildOpenApiDocument } from './openapi';
export type { Problem } from './problems';

export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
export const API_PREFIX = '/api/v1';

export interface PortalOptions {
  broker: ServiceBroker;
  auth: PortalAuth;
  bodyLimitBytes?: number;
  /** Structured request logging (pino), without bodies, tokens or personal data. Off by default. */
  logger?: boolean;
  /** Where log lines go when `logger` is on (default: stdout). For tests and embedding. */
  logStream?: { write(line: string): void };
}

/**
 * The portal API v1 (DESIGN.md §5) as a fastify instance, not listening: the caller listens and closes it.
 * Routes only check the caller's role, validate the envelope and call the broker; everything else is the services'.
 */
export function createPortal(opts: PortalOptions): FastifyInstance {
  const app = Fastify({
    logger: opts.logger === true ? loggerOptions(opts.logStream) : false,
    logController: logController(),
    bodyLimit: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    genReqId: correlationIdOf,
    frameworkErrors: handleFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.decorateRequest('portalAuth', null);
  app.addHook('onRequest', echoCorrelationId);
  registerJsonBody(app);
  registerErrorHandling(app);

  // Every route lives in a plugin: registration is deferred to `ready()`, so a caller (or a test) can still add an
  // `onRoute` hook after this function returns and see all of them.
  const { broker, auth } = opts;
  void app.register(healthRoutes, { broker });
  void app.register(catalogueRoutes, { prefix: API_PREFIX, broker });
  void app.register(requestsRoutes, { prefix: API_PREFIX, broker, auth });
  void app.register(documentRoutes, { prefix: API_PREFIX, broker, auth });
  void app.register(escalationsRoutes, { prefix: API_PREFIX, broker, auth });
  void app.register(judicialDocumentsRoutes, { prefix: API_PREFIX, broker, auth });
  void app.register(registrationRoutes, { prefix: API_PREFIX, broker, auth });
  void app.register(openApiRoutes, { prefix: API_PREFIX });
  return app;
}
