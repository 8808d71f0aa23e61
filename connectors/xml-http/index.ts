import type { ConnectorFactory } from '../_kit/contract';
import { xmlHttpConfigSchema, type XmlHttpConnectorConfig } from './config-schema';
import { XmlHttpConnector } from './xml-http-connector';

export { xmlHttpConfigSchema, type XmlHttpConnectorConfig, type XmlHttpOperation } from './config-schema';
export { XmlHttpConnector, resolveXsdPath, type XmlAnswerBody, type XmlItem, type XmlReadResult } from './xml-http-connector';
export { parseXmlSafely, decodeXmlText, UnsafeXmlError } from './safe-xml';
export { XsdSchema } from './xsd-validator';

export const xmlHttpConnectorFactory: ConnectorFactory<XmlHttpConnectorConfig> = {
  protocol: 'xml-http',
  configSchema: xmlHttpConfigSchema,
  create: (config, deps) => new XmlHttpConnector(config, deps),
};
