import type { ConnectorFactory } from '../_kit/contract';
import { restConfigSchema, type RestConnectorConfig } from './config-schema';
import { RestConnector } from './rest-connector';

export { restConfigSchema, type RestConnectorConfig, type RestOperation, type RestTlsConfig, type HttpMethod } from './config-schema';
export { RestConnector } from './rest-connector';

export const restConnectorFactory: ConnectorFactory<RestConnectorConfig> = {
  protocol: 'rest',
  configSchema: restConfigSchema,
  create: (config, deps) => new RestConnector(config, deps),
};
