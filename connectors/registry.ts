/**
 * Builds the hub's connectors from configuration: one per partner entry, each validated against its
 * protocol factory's schema. All problems of all partners are reported at once, so an operator fixes
 * the configuration in one pass.
 */
import { HubError, isHubError, type FieldError } from '../broker/errors';
import { validateConnectorConfig, type Connector, type ConnectorFactory, type ConnectorLogger } from './_kit/contract';

/** A partner's connector configuration: the protocol, and that protocol's settings beside it. */
export interface PartnerConnectorConfig {
  protocol: string;
  [setting: string]: unknown;
}

export interface RegistryDeps {
  logger?: ConnectorLogger;
  now?: () => number;
}

export function createConnectors(
  partners: Record<string, PartnerConnectorConfig>,
  factories: readonly ConnectorFactory[],
  deps: RegistryDeps = {},
): Map<string, Connector> {
  const byProtocol = new Map(factories.map((factory) => [factory.protocol, factory]));
  const connectors = new Map<string, Connector>();
  const errors: FieldError[] = [];
  for (const [partner, entry] of Object.entries(partners)) {
    const { protocol, ...settings } = entry;
    const factory = byProtocol.get(protocol);
    if (!factory) {
      errors.push({ path: `partners.${partner}.protocol`, message: `unknown protocol "${protocol}" (known: ${[...byProtocol.keys()].join(', ')})` });
      continue;
    }
    const configPath = `partners.${partner}.${protocol}`;
    try {
      const config = validateConnectorConfig(factory.configSchema, settings, configPath);
      connectors.set(partner, factory.create(config, { partner, configPath, logger: deps.logger, now: deps.now }));
    } catch (error) {
      if (!isHubError(error) || error.code !== 'CONFIG_INVALID') throw error;
      errors.push(...(error.errors ?? [{ path: configPath, message: error.message }]));
    }
  }
  if (errors.length > 0) {
    throw new HubError('CONFIG_INVALID', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return connectors;
}

/** Connects every connector; the first failure is thrown after all attempts have settled. */
export async function connectAll(connectors: ReadonlyMap<string, Connector>): Promise<void> {
  await settleAll([...connectors.values()].map((connector) => connector.connect()));
}

/** Closes every connector, even when some fail to close; the first failure is thrown afterwards. */
export async function closeAll(connectors: ReadonlyMap<string, Connector>): Promise<void> {
  await settleAll([...connectors.values()].map((connector) => connector.close()));
}

async function settleAll(work: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
