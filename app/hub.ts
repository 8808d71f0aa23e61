import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceBroker } from 'moleculer';
import type { FastifyInstance } from 'fastify';
import type { HubConfig } from '../config/schema';
import { loadPosts, loadServiceCatalogue } from '../config/catalogue';
import { openDatabase, type Database } from '../db/connection';
import { createRequestStore } from '../db/repositories/request-store';
import { createAuditWriter } from '../db/repositories/audit-store';
import { createBroker } from '../broker/factory';
import { OutboxRelay, type Dispatcher } from '../broker/outbox/relay';
import { createLocalDispatcher } from '../broker/outbox/local-dispatcher';
import { processInbox } from '../broker/inbox/processor';
import { createAmqpDispatcher, type AmqpDispatcher } from '../broker/outbox/amqp-dispatcher';
import type { DeliveryDeps } from '../broker/outbox/deliver';
import { createConnectors, connectAll, closeAll } from '../connectors/registry';
import { restConnectorFactory } from '../connectors/rest';
import { sftpConnectorFactory } from '../connectors/sftp';
import { amqpConnectorFactory } from '../connectors/amqp';
import { xmlHttpConnectorFactory } from '../connectors/xml-http';
import { Scheduler } from '../broker/scheduler';
import { soapConnectorFactory } from '../connectors/soap';
import type { ConnectorFactory } from '../connectors/_kit/contract';
import { createRequestsService } from '../services/requests/service';
import { createCatalogueService } from '../services/catalogue/service';
import { createPortal } from '../portal-adapter';
import { createPortalAuth, loadOrCreateSigningKeys } from '../portal-adapter/auth';
import { createHubService } from './hub-service';
import { createDeliveryService } from './delivery-service';
import { loadPartnerBindings, resolvePartnerConfig, type PartnerBinding } from '../connectors/partners/bindings';
import type { PartnerConnectorConfig } from '../connectors/registry';
import { createPartnerMappings } from './answer-mapper';
import { startWebhooks, type StartedWebhook } from './webhooks';
import { startSoapCallbacks, type StartedSoapCallback } from './soap-callbacks';
import { loadArabicFont } from './document-fonts';
import { domainServices } from './domain-services';
import { schedulePartnerReads } from './partner-schedules';

export interface Hub {
  config: HubConfig;
  broker: ServiceBroker;
  database: Database;
  portal: FastifyInstance;
  relay: OutboxRelay;
  /** Inbound event receivers (signed webhooks), one per partner that has `partners.<partner>.webhook`. */
  webhooks: StartedWebhook[];
  /** SOAP callback services (Interior's ConsularCallbackService), one per partner that has `partners.<partner>.soapCallback`. */
  soapCallbacks: StartedSoapCallback[];
  /** Where the portal listens, e.g. http://127.0.0.1:3000 */
  url: string;
  stop(): Promise<void>;
}

const factories = [restConnectorFactory, sftpConnectorFactory, xmlHttpConnectorFactory, soapConnectorFactory, amqpConnectorFactory] as ConnectorFactory[];

/**
 * Connector settings of the partners this deployment reaches: a binding (the partner as data) with the
 * deployment's `partners.<partner>.<protocol>` merged over it. A partner without deployment settings is not started.
 */
function deployedPartners(bindings: Map<string, PartnerBinding>, deployment: HubConfig['partners']): Record<string, PartnerConnectorConfig> {
  const out: Record<string, PartnerConnectorConfig> = {};
  for (const [partner, binding] of bindings) {
    const settings = deployment[partner]?.[binding.protocol] as Record<string, unknown> | undefined;
    if (settings) out[partner] = resolvePartnerConfig(binding, settings);
  }
  return out;
}

/** Everything of one hub node, started in order and stopped in reverse. */
export async function startHub(config: HubConfig): Promise<Hub> {
  const services = loadServiceCatalogue();
  const posts = loadPosts();
  const bindings = await loadPartnerBindings();
  const { answers: mapper, requests: requestMapper } = await createPartnerMappings([...bindings.values()]);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.databasePoolMax });
  const db = database.knex;
  const broker = createBroker({ nodeId: config.nodeId, transporter: config.transporter, logLevel: config.logLevel, audit: createAuditWriter(db) });
  const connectorLog = broker.logger;
  const connectors = createConnectors(deployedPartners(bindings, config.partners), factories, { logger: connectorLog });
  await connectAll(connectors);

  const deliveryDeps: DeliveryDeps = { db, connectorFor: (p) => connectors.get(p), retry: config.outbox.retry, requests: requestMapper, log: broker.logger };
  let amqp: AmqpDispatcher | undefined;
  let dispatcher: Dispatcher = createLocalDispatcher(deliveryDeps);
  if (config.amqpUrl) {
    amqp = await createAmqpDispatcher({ url: config.amqpUrl, delivery: deliveryDeps, leaseMs: config.outbox.leaseMs, log: broker.logger });
    dispatcher = amqp;
  }
  const relay = new OutboxRelay({
    db, dispatcher, batchSize: config.outbox.batchSize, leaseMs: config.outbox.leaseMs, pollIntervalMs: config.outbox.pollIntervalMs, log: broker.logger,
    afterPass: () => processInbox({ db, mapper, log: broker.logger, leaseMs: config.outbox.leaseMs, maxAttempts: 10,
      call: (action, params) => broker.call(action, params) }),
  });

  // Scheduled reads (partner feeds): each run claims its window in the database, so a cluster runs it once.
  const scheduler = new Scheduler({ db, owner: broker.nodeID, log: broker.logger });
  schedulePartnerReads({ scheduler, db, config, connectors, poke: () => relay.poke() });

  broker.createService(createCatalogueService({ services, posts }));
  broker.createService(createRequestsService({ store: createRequestStore(db, { poolMax: config.databasePoolMax }), services, posts }));
  for (const schema of domainServices({ config, posts, services, db, arabicFont: loadArabicFont(config.documents.arabicFontPath) })) broker.createService(schema);
  broker.createService(createHubService({ db, broker, connectors }));
  if (config.outbox.enabled) broker.createService(createDeliveryService(relay));
  await broker.start();
  await amqp?.startConsuming();
  scheduler.start();
  const webhooks = await startWebhooks({ db, deployment: config.partners, logger: connectorLog, onStored: () => relay.poke() });
  const soapCallbacks = await startSoapCallbacks({ db, deployment: config.partners, host: config.host, logger: connectorLog, onStored: () => relay.poke() });

  const keys = config.portal.jwtPublicKeyPath
    ? { publicKeyPem: readFileSync(config.portal.jwtPublicKeyPath, 'utf8') }
    : await loadOrCreateSigningKeys(path.join(config.dataDir, 'keys'));
  const auth = createPortalAuth({ publicKeyPem: keys.publicKeyPem, issuer: config.portal.tokenIssuer, audience: config.portal.tokenAudience });
  const portal = createPortal({ broker, auth, bodyLimitBytes: config.portal.bodyLimitBytes });
  await portal.listen({ port: config.port, host: config.host });
  const address = portal.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;

  let stopped = false;
  return {
    config, broker, database, portal, relay, url, webhooks, soapCallbacks,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(webhooks.map((w) => w.receiver.close()));
      await Promise.all(soapCallbacks.map((c) => c.server.close()));
      await portal.close();
      await scheduler.stop();
      await broker.stop();
      await amqp?.close();
      await closeAll(connectors);
      await database.close();
    },
  };
}

/** Written at start so the CLI (`hub sandbox …`, `hub token`) finds the running hub through the data dir. */
export function writeRunFile(dataDir: string, content: Record<string, unknown>): void {
  const dir = path.join(dataDir, 'run');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'hub.json'), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), ...content }, null, 2) + '\n');
}
