import { ServiceBroker, type LoggerConfig } from 'moleculer';
import type { LogLevel } from '../config/schema';
import { auditMiddleware, type AuditWriter } from './middlewares/audit';
import { authContextMiddleware } from './middlewares/auth-context';
import { correlationMiddleware } from './middlewares/correlation';
import { errorNormalisationMiddleware } from './middlewares/error-normalisation';

export interface BrokerOptions {
  nodeId?: string;
  /** `nats://…` or `amqp://…`; unset = one process, local calls only. */
  transporter?: string;
  logLevel: LogLevel;
  audit: AuditWriter;
}

/** The hub's broker: the middlewares in the order a call meets them (outermost first). */
export function createBroker(opts: BrokerOptions): ServiceBroker {
  const logger: LoggerConfig = { type: 'Console', options: { level: opts.logLevel, formatter: 'short', colors: process.stdout.isTTY } };
  const errorLog = { error: (msg: string, meta?: Record<string, unknown>) => broker.logger.error(msg, meta) };
  const broker: ServiceBroker = new ServiceBroker({
    ...(opts.nodeId ? { nodeId: opts.nodeId } : {}),
    ...(opts.transporter ? { transporter: opts.transporter } : {}),
    namespace: 'econsulat',
    logger,
    requestTimeout: 30_000,
    validator: true,
    middlewares: [correlationMiddleware(), errorNormalisationMiddleware(errorLog), authContextMiddleware(), auditMiddleware(opts.audit)],
  });
  return broker;
}
