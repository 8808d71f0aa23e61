import type { ConnectorFactory } from '../_kit/contract';
import { sftpConfigSchema, type SftpConnectorConfig } from './config-schema';
import { SftpConnector } from './sftp-connector';

export { sftpConfigSchema, type SftpConnectorConfig, type SftpHostKeyPin, type SftpUploadOperation, type SftpInboundSource, type SftpCompletionRule } from './config-schema';
export { SftpConnector, type ConsumeOptions, type FileReport, type FileOutcome, type Quarantined, type RecordReader } from './sftp-connector';
export { sha256Fingerprint } from './host-key';
export type { InboundEntry } from './inbound-listing';
export type { UploadResult } from './upload';
export { InMemoryProcessedFileRegistry, type ProcessedFile, type ProcessedFileRegistry } from './processed-files';
export { KnexProcessedFileRegistry, createSftpProcessedFilesTable, SFTP_PROCESSED_FILES_TABLE } from './processed-files-store';
export { NARSA_RESULTS, readNarsaResult, type NarsaResult, type NarsaOutcome } from './narsa-results';
export { streamXmlRecords, elementValue, serializeElement, type XmlElement } from './xml-records';

export const sftpConnectorFactory: ConnectorFactory<SftpConnectorConfig> = {
  protocol: 'sftp',
  configSchema: sftpConfigSchema,
  create: (config, deps) => new SftpConnector(config, deps),
};
