/**
 * Configuration of the SFTP connector: the single source of truth for validation, defaults, secret
 * marks and the option table in README.md (a test keeps the table in step).
 */
import { JSON_SCHEMA_DRAFT_2020_12, type ConfigSchema } from '../_kit/config-schema-types';

export interface SftpHostKeyPin {
  /** OpenSSH fingerprint, `SHA256:<base64 without padding>` (what `ssh-keygen -lf` prints). */
  sha256?: string;
  /** The host's public key in OpenSSH form, `ssh-ed25519 AAAA… [comment]`. */
  publicKey?: string;
}

export interface SftpUploadOperation {
  directory: string;
  fileNameField: string;
  fileNamePattern: string;
  contentField: string;
  checksumFile: boolean;
}

export type SftpCompletionRule = 'sha256-companion' | 'marker-file';

export interface SftpInboundSource {
  directory: string;
  fileNamePattern: string;
  completion: SftpCompletionRule;
  markerSuffix: string;
}

export interface SftpConnectorConfig {
  host: string;
  port: number;
  username: string;
  privateKeyPath: string;
  passphrase?: string;
  hostKey: SftpHostKeyPin;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxUploadBytes: number;
  maxDownloadBytes: number;
  maxRecordBytes: number;
  breaker: { failureThreshold: number; resetTimeoutMs: number };
  operations: Record<string, SftpUploadOperation>;
  inbound: Record<string, SftpInboundSource>;
}

const REMOTE_DIR = '^/([^/\\0]+(/[^/\\0]+)*)?$';

export const sftpConfigSchema: ConfigSchema = {
  $schema: JSON_SCHEMA_DRAFT_2020_12,
  $id: 'urn:econsulat:connectors:sftp:config',
  title: 'SFTP connector',
  description: "One partner SFTP server: the hub logs in with its SSH key and checks the server's pinned host key.",
  type: 'object',
  additionalProperties: false,
  required: ['host', 'username', 'privateKeyPath', 'hostKey'],
  properties: {
    host: { type: 'string', minLength: 1, description: 'Host name or address of the partner SFTP server. Comes from the hub configuration, not the binding.' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 22, description: 'SSH port.' },
    username: { type: 'string', minLength: 1, description: 'Account the partner opened for the hub.' },
    privateKeyPath: { type: 'string', minLength: 1, description: "File of the hub's SSH private key (OpenSSH or PEM), read at connect. Password login is not offered." },
    passphrase: { type: 'string', secret: true, description: 'Passphrase of an encrypted private key.' },
    hostKey: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: "The server's host key, pinned: any other key (an unknown server, a changed key) is refused before login. Give the fingerprint, the public key, or both (both must match).",
      properties: {
        sha256: { type: 'string', pattern: '^SHA256:[A-Za-z0-9+/]{43}=?$', description: 'Fingerprint as printed by `ssh-keygen -lf <key>.pub`, e.g. `SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8`.' },
        publicKey: { type: 'string', pattern: '^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa) [A-Za-z0-9+/]+=*( .*)?$', description: 'Public key line as in `known_hosts` without the host name, e.g. `ssh-ed25519 AAAAC3Nz…`.' },
      },
    },
    timeoutMs: {
      type: 'integer', minimum: 1, default: 15000,
      description: 'Bounds each SFTP request (open, write, rename, read of a chunk…). A request left unanswered closes the session; the next call opens a new one.',
    },
    connectTimeoutMs: {
      type: 'integer', minimum: 1, default: 20000,
      description: 'Bounds opening a session: TCP connection, SSH key exchange, login and the SFTP subsystem.',
    },
    maxUploadBytes: { type: 'integer', minimum: 1, default: 268435456, description: 'Larger uploads are refused before anything is written (PAYLOAD_TOO_LARGE).' },
    maxDownloadBytes: { type: 'integer', minimum: 1, default: 536870912, description: 'Larger inbound files are not read (PARTNER_BAD_RESPONSE); they stay on the server.' },
    maxRecordBytes: { type: 'integer', minimum: 1, default: 65536, description: 'Largest single record (e.g. one `Result` element) of a streamed file; a larger one ends the file as unreadable.' },
    breaker: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Circuit breaker for this server (uploads only).',
      properties: {
        failureThreshold: { type: 'integer', minimum: 1, default: 5, description: 'Consecutive failures (timeout, connection refused or dropped) that open the circuit.' },
        resetTimeoutMs: { type: 'integer', minimum: 1, default: 30000, description: 'Time the circuit stays open before one trial call is let through.' },
      },
    },
    operations: {
      type: 'object',
      default: {},
      description: 'Upload operations by name (the `operation` of an outbound message): one `send` writes one file.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['directory', 'fileNamePattern'],
        description: 'Where a file goes and which payload fields hold its name and content.',
        properties: {
          directory: { type: 'string', pattern: REMOTE_DIR, description: 'Absolute remote directory, e.g. `/depot`.' },
          fileNameField: { type: 'string', minLength: 1, default: 'fileName', description: 'Payload field holding the file name.' },
          fileNamePattern: { type: 'string', minLength: 1, description: 'Regular expression the file name must match in full, e.g. `^VERIF_[A-Z-]+_[0-9]{8}_[0-9]{3}\\.xml$`; a name outside it is refused (VALIDATION_FAILED). It cannot hold `/`.' },
          contentField: { type: 'string', minLength: 1, default: 'content', description: 'Payload field holding the file content (a UTF-8 string).' },
          checksumFile: { type: 'boolean', default: true, description: 'Write `<name>.sha256` (hex digest and a line feed) after the file is in place.' },
        },
      },
    },
    inbound: {
      type: 'object',
      default: {},
      description: 'Directories the hub polls, by name.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['directory', 'fileNamePattern', 'completion'],
        description: 'Which entries to take from a directory and when one is complete.',
        properties: {
          directory: { type: 'string', pattern: REMOTE_DIR, description: 'Absolute remote directory, e.g. `/retour`.' },
          fileNamePattern: { type: 'string', minLength: 1, description: 'Regular expression an entry name must match in full, e.g. `^RESULT_.*\\.xml$` or `^LOT_[A-Za-z0-9_-]+$`.' },
          completion: {
            type: 'string', enum: ['sha256-companion', 'marker-file'],
            description: '`sha256-companion`: a file is complete once `<name>.sha256` is beside it (NARSA). `marker-file`: an entry (a lot folder) is complete once `<name><markerSuffix>` is beside it (Justice).',
          },
          markerSuffix: { type: 'string', minLength: 1, default: '.pret', description: 'Suffix of the marker file for `marker-file`.' },
        },
      },
    },
  },
};
