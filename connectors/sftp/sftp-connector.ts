/**
 * The SFTP connector: one partner SFTP server, logged into with the hub's SSH key, the server's host
 * key pinned. `send` uploads one file (temporary name, rename, `.sha256` companion); the inbound side
 * lists complete files or lots and streams them record by record, once per content digest.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { join, posix } from 'node:path';
import { HubError, isHubError } from '../../broker/errors';
import { EndpointBreaker } from '../_kit/circuit-breaker';
import { silentLogger, type Connector, type ConnectorDeps, type ConnectorHealth, type ConnectorLogger, type OutboundMessage, type PartnerAnswer } from '../_kit/contract';
import { checkOutboundMessage } from '../_kit/outbound-message';
import type { SftpConnectorConfig, SftpInboundSource, SftpUploadOperation } from './config-schema';
import { hostKeyCheck, type HostKeyCheck } from './host-key';
import { completeEntries, type InboundEntry } from './inbound-listing';
import type { ProcessedFileRegistry } from './processed-files';
import { SftpSession } from './sftp-session';
import { uploadFile, uploadStream, type UploadResult } from './upload';
import { serializeElement, streamXmlRecords, type XmlElement } from './xml-records';

export const DOWNLOAD_CHUNK_BYTES = 64 * 1024;
/** Reads in flight per download (see readChunks). */
const READ_AHEAD = 8;

function isEndpointFailure(error: unknown): boolean {
  return isHubError(error) && (error.code === 'PARTNER_TIMEOUT' || error.code === 'PARTNER_UNAVAILABLE');
}

/** What a record reader makes of one XML record. */
export type RecordReader<T> = (element: XmlElement) => { ok: true; record: T } | { ok: false; reason: string; requestId?: string };

export interface Quarantined {
  file: string;
  /** 1-based position of the record in the file. */
  index: number;
  /** The rule the record breaks; never a value from it. */
  reason: string;
  /** The partner's request id, when the record had a readable one. */
  requestId?: string;
  /** The record as XML. It may hold personal data: store it for the engineer, never log it. */
  raw: string;
}

export interface ConsumeOptions<T> {
  /** Name of the `inbound` source in the config, e.g. `results`. */
  source: string;
  registry: ProcessedFileRegistry;
  rootElement: string;
  namespace?: string;
  recordElement: string;
  read: RecordReader<T>;
  /** Called once per good record, in file order; the next record waits for it. */
  onRecord(record: T, context: { file: string; index: number; digest: string }): Promise<void>;
  onQuarantine(entry: Quarantined): Promise<void>;
}

export type FileOutcome = 'processed' | 'already-processed' | 'digest-mismatch' | 'unreadable' | 'too-large';

export interface FileReport {
  file: string;
  digest?: string;
  outcome: FileOutcome;
  records: number;
  quarantined: number;
  /** For `unreadable`: why (no values from the file). */
  reason?: string;
}

export class SftpConnector implements Connector {
  readonly protocol = 'sftp';
  readonly partner: string;
  private readonly label: string;
  private readonly configPath: string;
  private readonly logger: ConnectorLogger;
  private readonly now: () => number;
  private readonly hostKey: HostKeyCheck;
  private connected = false;
  private privateKey?: Buffer;
  private breaker?: EndpointBreaker;
  private session?: SftpSession;
  private opening?: Promise<SftpSession>;

  constructor(private readonly config: SftpConnectorConfig, deps: ConnectorDeps) {
    this.partner = deps.partner;
    this.configPath = deps.configPath ?? `partners.${deps.partner}.sftp`;
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? Date.now;
    this.label = `sftp://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    this.hostKey = hostKeyCheck(config.hostKey);
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    if (!this.privateKey) {
      try {
        this.privateKey = await readFile(this.config.privateKeyPath);
      } catch {
        throw new HubError('CONFIG_INVALID', `${this.configPath}.privateKeyPath: the key file cannot be read`);
      }
    }
    await this.openSession();
    this.breaker ??= this.newBreaker();
    this.connected = true;
    this.logger.info(`${this.partner}: SFTP connector ready`, { partner: this.partner, endpoint: this.label });
  }

  private newBreaker(): EndpointBreaker {
    const breaker = new EndpointBreaker(`${this.partner} ${this.label}`, this.config.breaker, { isEndpointFailure, now: this.now });
    breaker.onStateChange((state) => this.logger.warn(`${this.partner}: circuit ${state}`, { partner: this.partner, endpoint: this.label, circuit: state }));
    return breaker;
  }

  /** The open session, or a new one; concurrent callers share one opening. */
  private openSession(): Promise<SftpSession> {
    if (this.session?.isOpen) return Promise.resolve(this.session);
    this.opening ??= SftpSession.open({
      host: this.config.host,
      port: this.config.port,
      username: this.config.username,
      privateKey: this.privateKey as Buffer,
      passphrase: this.config.passphrase,
      hostKey: this.hostKey,
      timeoutMs: this.config.timeoutMs,
      connectTimeoutMs: this.config.connectTimeoutMs,
      label: this.label,
    }).then((session) => {
      this.session = session;
      return session;
    }).finally(() => { this.opening = undefined; });
    return this.opening;
  }

  private requireConnected(): void {
    if (!this.connected) throw new HubError('NOT_READY', `${this.partner}: SFTP connector is not connected`);
  }

  private operationTarget(operationName: string): { operation: SftpUploadOperation; endpoint: string; what: string } {
    const operation = this.config.operations[operationName];
    if (!operation) throw new HubError('CONFIG_INVALID', `${this.configPath}.operations: no upload operation named "${operationName}"`);
    const endpoint = `PUT ${this.label}${posix.join(operation.directory, `{${operation.fileNameField}}`)}`;
    return { operation, endpoint, what: `${this.partner} ${operationName} (${endpoint})` };
  }

  private static nameFits(operation: SftpUploadOperation, name: unknown): name is string {
    return typeof name === 'string' && !name.includes('/') && !name.startsWith('.')
      && new RegExp(`^(?:${operation.fileNamePattern.replace(/^\^/, '').replace(/\$$/, '')})$`).test(name);
  }

  async send(msg: OutboundMessage): Promise<PartnerAnswer> {
    this.requireConnected();
    checkOutboundMessage(msg, this.partner, Object.keys(this.config.operations));
    const { operation, endpoint, what } = this.operationTarget(msg.operation);
    const name = msg.payload[operation.fileNameField];
    const content = msg.payload[operation.contentField];
    const invalid = (field: string, why: string): HubError =>
      new HubError('VALIDATION_FAILED', `${what}: payload ${field} ${why}`, { errors: [{ path: `/payload/${field}`, message: why }] });
    if (!SftpConnector.nameFits(operation, name)) throw invalid(operation.fileNameField, 'must be a file name matching the operation\'s fileNamePattern');
    if (typeof content !== 'string') throw invalid(operation.contentField, 'must be a string');
    const bytes = Buffer.from(content, 'utf8');
    if (bytes.length > this.config.maxUploadBytes) {
      throw new HubError('PAYLOAD_TOO_LARGE', `${what}: ${bytes.length} bytes, more than maxUploadBytes (${this.config.maxUploadBytes})`);
    }
    const breaker = this.breaker as EndpointBreaker;
    return breaker.run(async () => {
      const started = this.now();
      const session = await this.openSession();
      const result = await uploadFile(session, { directory: operation.directory, name, content: bytes, checksumFile: operation.checksumFile, what });
      const durationMs = Math.max(0, this.now() - started);
      this.logger.debug(`${what}: ${result.alreadyThere ? 'already there' : 'uploaded'} in ${durationMs} ms`, { partner: this.partner, operation: msg.operation, messageId: msg.messageId, bytes: result.bytes, durationMs });
      return {
        // SSH_FX_OK: SFTP has no other success status.
        status: 0,
        body: { fileName: name, bytes: result.bytes, sha256: result.sha256, alreadyThere: result.alreadyThere },
        headers: {},
        bytes: 0,
        durationMs,
        endpoint,
      };
    });
  }

  /**
   * Uploads a file of an operation from a stream (a batch rendered row by row), memory flat in its
   * size; the same protocol as `send` (temporary name, rename, `.sha256`), the digest computed on the way.
   */
  async uploadStream(operationName: string, fileName: string, source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): Promise<UploadResult> {
    this.requireConnected();
    const { operation, what } = this.operationTarget(operationName);
    if (!SftpConnector.nameFits(operation, fileName)) {
      throw new HubError('VALIDATION_FAILED', `${what}: the file name must match the operation's fileNamePattern`, { errors: [{ path: '/fileName', message: "must match the operation's fileNamePattern" }] });
    }
    return (this.breaker as EndpointBreaker).run(async () => {
      const session = await this.openSession();
      return uploadStream(session, { directory: operation.directory, name: fileName, source, checksumFile: operation.checksumFile, maxBytes: this.config.maxUploadBytes, what });
    });
  }

  private source(name: string): SftpInboundSource {
    const source = this.config.inbound[name];
    if (!source) throw new HubError('CONFIG_INVALID', `${this.configPath}.inbound: no source named "${name}" (declared: ${Object.keys(this.config.inbound).join(', ') || 'none'})`);
    return source;
  }

  /** Complete entries of an inbound source (files with their `.sha256`, or lots with their marker). */
  async listComplete(sourceName: string): Promise<InboundEntry[]> {
    this.requireConnected();
    const source = this.source(sourceName);
    const session = await this.openSession();
    const listing = await session.readdir(source.directory, `${this.partner} list ${this.label}${source.directory}`);
    return completeEntries(source, listing);
  }

  /** List of a lot folder (Justice): names and sizes of the files in it. */
  async listFolder(path: string): Promise<Array<{ name: string; size: number; mtime: number }>> {
    this.requireConnected();
    const session = await this.openSession();
    const listing = await session.readdir(path, `${this.partner} list ${this.label}${path}`);
    return listing.filter((e) => !e.filename.startsWith('.')).map((e) => ({ name: e.filename, size: e.attrs.size ?? 0, mtime: e.attrs.mtime ?? 0 }));
  }

  /**
   * The file's content as chunks, in order, with up to READ_AHEAD requests in flight: one request at a time
   * leaves the link idle for a round trip per 64 kB (about 20 MB/s here), while the window keeps memory bounded
   * (READ_AHEAD × 64 kB) and the consumer's pace still sets the download's. More than `maxDownloadBytes` ends it
   * with PARTNER_BAD_RESPONSE.
   */
  async *readChunks(path: string): AsyncGenerator<Buffer> {
    this.requireConnected();
    const what = `${this.partner} read ${this.label}${path}`;
    const session = await this.openSession();
    const handle = await session.openForRead(path, what);
    const window: Array<{ position: number; read: Promise<Buffer> }> = [];
    let nextPosition = 0;
    const ask = (): void => {
      const read = session.read(handle, DOWNLOAD_CHUNK_BYTES, nextPosition, what);
      read.catch(() => undefined); // awaited in order below; a read past the end is never awaited
      window.push({ position: nextPosition, read });
      nextPosition += DOWNLOAD_CHUNK_BYTES;
    };
    try {
      let received = 0;
      for (let i = 0; i < READ_AHEAD; i++) ask();
      for (;;) {
        const slot = window.shift();
        if (!slot) return;
        let chunk = await slot.read;
        // A server may answer a read with fewer bytes than asked before the end: fetch the rest of this slot.
        while (chunk.length > 0 && chunk.length < DOWNLOAD_CHUNK_BYTES) {
          const more = await session.read(handle, DOWNLOAD_CHUNK_BYTES - chunk.length, slot.position + chunk.length, what);
          if (more.length === 0) break;
          chunk = Buffer.concat([chunk, more]);
        }
        if (chunk.length === 0) return;
        received += chunk.length;
        if (received > this.config.maxDownloadBytes) {
          throw new HubError('PARTNER_BAD_RESPONSE', `${what}: larger than maxDownloadBytes (${this.config.maxDownloadBytes})`);
        }
        yield chunk;
        if (chunk.length < DOWNLOAD_CHUNK_BYTES) return; // end of file
        ask();
      }
    } finally {
      if (session.isOpen) await session.closeHandle(handle, what).catch(() => undefined);
    }
  }

  /** Hex SHA-256 of a remote file, streamed. */
  async digestOf(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of this.readChunks(path)) hash.update(chunk);
    return hash.digest('hex');
  }

  private async companionDigest(entry: InboundEntry): Promise<string | undefined> {
    let text = '';
    for await (const chunk of this.readChunks(entry.completionPath)) {
      text += chunk.toString('utf8');
      if (text.length > 1024) return undefined;
    }
    const token = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    return /^[0-9a-f]{64}$/.test(token) ? token : undefined;
  }

  /**
   * Takes in every complete file of an XML source once: a file whose content digest the registry
   * knows is skipped (a re-delivery with a new modification time included); a file whose content
   * does not match its `.sha256` is left for the next poll; otherwise its records are streamed to
   * `onRecord` one at a time, bad ones to `onQuarantine`, and the file is recorded as processed.
   * A crash before the end leaves the file unrecorded: the next poll delivers its records again,
   * and the hub's inbox absorbs the repeats.
   */
  async consumeXmlRecords<T>(options: ConsumeOptions<T>): Promise<FileReport[]> {
    const reports: FileReport[] = [];
    for (const entry of await this.listComplete(options.source)) {
      if (entry.isDirectory) continue;
      reports.push(await this.consumeFile(entry, options));
    }
    return reports;
  }

  private async consumeFile<T>(entry: InboundEntry, options: ConsumeOptions<T>): Promise<FileReport> {
    const file = entry.name;
    const report = (outcome: FileOutcome, extra: Partial<FileReport> = {}): FileReport => ({ file, outcome, records: 0, quarantined: 0, ...extra });
    if (entry.size > this.config.maxDownloadBytes) {
      this.logger.warn(`${this.partner}: ${file} is larger than maxDownloadBytes; left on the server`, { partner: this.partner, file, bytes: entry.size });
      return report('too-large');
    }
    const announced = await this.companionDigest(entry);
    if (announced !== undefined && await options.registry.isProcessed(this.partner, announced)) return report('already-processed', { digest: announced });
    // Downloaded once into a private temporary file, its digest computed on the way: the content must be what the
    // companion says before any record leaves this method, and the records are then read from the local copy.
    const dir = await mkdtemp(join(tmpdir(), 'hub-sftp-'));
    try {
      const local = join(dir, 'content');
      const digest = await this.downloadTo(entry.path, local);
      if (digest !== announced) {
        this.logger.warn(`${this.partner}: ${file} does not match its .sha256; left for the next poll`, { partner: this.partner, file });
        return report('digest-mismatch', { digest });
      }
      return await this.streamRecords(file, digest, createReadStream(local, { highWaterMark: DOWNLOAD_CHUNK_BYTES }), options);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Copies a remote file to a local path (mode 0600), returning its hex SHA-256. */
  private async downloadTo(remotePath: string, localPath: string): Promise<string> {
    const hash = createHash('sha256');
    const out = createWriteStream(localPath, { mode: 0o600 });
    try {
      for await (const chunk of this.readChunks(remotePath)) {
        hash.update(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
    } finally {
      out.destroy();
    }
    return hash.digest('hex');
  }

  private async streamRecords<T>(file: string, digest: string, chunks: AsyncIterable<Buffer>, options: ConsumeOptions<T>): Promise<FileReport> {
    const report = (outcome: FileOutcome, extra: Partial<FileReport> = {}): FileReport => ({ file, outcome, records: 0, quarantined: 0, ...extra });
    let records = 0;
    let quarantined = 0;
    try {
      await streamXmlRecords(chunks, {
        rootElement: options.rootElement,
        namespace: options.namespace,
        recordElement: options.recordElement,
        maxRecordChars: this.config.maxRecordBytes,
        what: `${this.partner} ${file}`,
        onRecord: async (element, index) => {
          const reading = options.read(element);
          if (reading.ok) {
            records += 1;
            await options.onRecord(reading.record, { file, index, digest });
          } else {
            quarantined += 1;
            this.logger.warn(`${this.partner}: ${file} record ${index} quarantined: ${reading.reason}`, { partner: this.partner, file, index });
            await options.onQuarantine({ file, index, reason: reading.reason, requestId: reading.requestId, raw: serializeElement(element) });
          }
        },
      });
    } catch (error) {
      if (isHubError(error) && error.code === 'PARTNER_BAD_RESPONSE') {
        this.logger.warn(`${this.partner}: ${file} is unreadable: ${error.message}`, { partner: this.partner, file });
        return report('unreadable', { digest, records, quarantined, reason: error.message });
      }
      throw error;
    }
    await options.registry.markProcessed({ partner: this.partner, digest, fileName: file });
    return report('processed', { digest, records, quarantined });
  }

  async health(): Promise<ConnectorHealth> {
    if (!this.connected) return { ok: false, detail: 'not connected' };
    const circuit = this.breaker?.state;
    if (circuit === 'open') return { ok: false, detail: `circuit open, next trial call in ${this.breaker?.retryAfterMs()} ms`, circuit };
    try {
      const session = await this.openSession();
      await session.stat('/', `${this.partner} health ${this.label}`);
      return { ok: true, detail: `${this.label}: SFTP session open, host key matches the pin`, circuit };
    } catch (error) {
      return { ok: false, detail: isHubError(error) ? error.message : `${this.label}: unreachable`, circuit };
    }
  }

  async close(): Promise<void> {
    this.connected = false;
    if (this.opening) await this.opening.catch(() => undefined);
    this.session?.destroy();
    this.session = undefined;
    this.breaker?.shutdown();
    this.breaker = undefined;
  }
}
