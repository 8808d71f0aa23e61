import type { ConnectorFactory } from '../_kit/contract';
import { soapConfigSchema, type SoapConnectorConfig } from './config-schema';
import { SoapConnector } from './soap-connector';

export { soapConfigSchema, type SoapConnectorConfig, type SoapOperationConfig } from './config-schema';
export { SoapConnector } from './soap-connector';
export { createSoapCallbackServer, type SoapCallbackServer, type SoapCallbackServerOptions, type CallbackRecord } from './server';
export type { Credentials } from './ws-security';

export const soapConnectorFactory: ConnectorFactory<SoapConnectorConfig> = {
  protocol: 'soap',
  configSchema: soapConfigSchema,
  create: (config, deps) => new SoapConnector(config, deps),
};
