/**
 * One SSH connection with its SFTP channel, as promises with a deadline on every request.
 * A request left unanswered ends the whole session: the channel may be wedged, and a fresh
 * session costs one handshake.
 */
import { Client, type ConnectConfig, type FileEntryWithStats, type SFTPWrapper, type Stats } from 'ssh2';
import { HubError, isHubError } from '../../broker/errors';
import { sha256Fingerprint, type HostKeyCheck } from './host-key';

export interface SessionOptions {
  host: string;
  port: number;
  username: string;
  privateKey: Buffer;
  passphrase?: string;
  hostKey: HostKeyCheck;
  /** Each SFTP request. */
  timeoutMs: number;
  /** Opening the session (TCP, key exchange, login, subsystem). */
  connectTimeoutMs: number;
  /** `sftp://host:port`, for messages. */
  label: string;
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02) that say the request itself is wrong, not the server. */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

function errnoOf(error: unknown): string | number | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string | number }).code : undefined;
}

/** Classifies an ssh2 or SFTP failure; the message keeps `what` (a template) and the cause's kind only. */
export function classifySftpError(error: unknown, what: string): HubError {
  if (isHubError(error)) return error;
  const code = errnoOf(error);
  if (code === SFTP_NO_SUCH_FILE) return new HubError('PARTNER_REJECTED', `${what}: no such file or directory`, { cause: error });
  if (code === SFTP_PERMISSION_DENIED) return new HubError('PARTNER_REJECTED', `${what}: permission denied`, { cause: error });
  if (typeof code === 'number') return new HubError('PARTNER_UNAVAILABLE', `${what}: the server answered SFTP status ${code}`, { cause: error });
  const level = typeof error === 'object' && error !== null ? (error as { level?: string }).level : undefined;
  if (level === 'client-authentication') return new HubError('PARTNER_REJECTED', `${what}: the server refused the hub's SSH key`, { cause: error });
  if (code === 'ETIMEDOUT') return new HubError('PARTNER_TIMEOUT', `${what}: no answer in time`, { cause: error });
  const kind = typeof code === 'string' ? code : 'connection lost';
  return new HubError('PARTNER_UNAVAILABLE', `${what}: ${kind}`, { cause: error });
}

export class SftpSession {
  private ended = false;
  private readonly closeListeners = new Set<() => void>();

  private constructor(private readonly client: Client, private readonly sftp: SFTPWrapper, private readonly options: SessionOptions) {
    const onEnd = (): void => {
      if (this.ended) return;
      this.ended = true;
      for (const listener of this.closeListeners) listener();
    };
    client.on('close', onEnd);
    client.on('end', onEnd);
    sftp.on('close', () => { onEnd(); client.end(); });
    // Errors after the handshake show up as failed requests; a listener keeps them from being thrown.
    client.on('error', () => undefined);
  }

  get isOpen(): boolean { return !this.ended; }

  /** Calls `listener` once when the session ends; returns a function that unsubscribes it. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => { this.closeListeners.delete(listener); };
  }

  static open(options: SessionOptions): Promise<SftpSession> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let settled = false;
      /** Set when this attempt's server presented a key other than the pin. */
      let refused: string | undefined;
      const fail = (error: HubError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end();
        client.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new HubError('PARTNER_TIMEOUT', `${options.label}: no SSH session within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
      client.on('error', (error: Error & { level?: string }) => {
        if (refused !== undefined) {
          fail(new HubError('PARTNER_REJECTED',
            `${options.label}: host key refused: the server presented ${refused}, the configuration pins ${options.hostKey.describePin()} (an unknown server or a changed key; check with the partner before changing the pin)`,
            { cause: error }));
          return;
        }
        fail(classifySftpError(error, `${options.label}: SSH connection`));
      });
      client.on('close', () => fail(new HubError('PARTNER_UNAVAILABLE', `${options.label}: the server closed the connection during login`)));
      client.on('ready', () => {
        // Small SFTP READ requests must not wait for Nagle: with delayed ACKs on the peer, a download with 8 reads in
        // flight fell from 0.2 s to 6 s for 26 MB on a kernel that delays ACKs (measured, docs/performance.md).
        client.setNoDelay(true);
        client.sftp((error, sftp) => {
          if (error) { fail(classifySftpError(error, `${options.label}: SFTP subsystem`)); return; }
          if (settled) { sftp.end(); return; }
          settled = true;
          clearTimeout(timer);
          resolve(new SftpSession(client, sftp, options));
        });
      });
      const config: ConnectConfig = {
        host: options.host,
        port: options.port,
        username: options.username,
        privateKey: options.privateKey,
        passphrase: options.passphrase,
        readyTimeout: options.connectTimeoutMs,
        hostVerifier: (key: Buffer) => {
          if (options.hostKey.verify(key)) return true;
          refused = sha256Fingerprint(key);
          return false;
        },
        // No password or keyboard-interactive: the contracts say SSH keys, and no agent is consulted.
        tryKeyboard: false,
        keepaliveInterval: 0,
      };
      client.connect(config);
    });
  }

  /** Runs one SFTP request with the session's deadline; an expired deadline ends the session. */
  private request<T>(what: string, start: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    if (this.ended) return Promise.reject(new HubError('PARTNER_UNAVAILABLE', `${what}: the SSH session has ended`));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        unsubscribe();
        this.destroy();
        reject(new HubError('PARTNER_TIMEOUT', `${what}: no answer within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      const unsubscribe = this.onClose(() => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new HubError('PARTNER_UNAVAILABLE', `${what}: the connection was lost`));
      });
      try {
        start((error, value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          unsubscribe();
          if (error) reject(classifySftpError(error, what));
          else resolve(value as T);
        });
      } catch (error) {
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        reject(classifySftpError(error, what));
      }
    });
  }

  stat(path: string, what: string): Promise<Stats> {
    return this.request(what, (done) => this.sftp.stat(path, done));
  }

  /** Stat that answers `undefined` for a missing file instead of failing. */
  async statIfExists(path: string, what: string): Promise<Stats | undefined> {
    try {
      return await this.stat(path, what);
    } catch (error) {
      if (isHubError(error) && error.code === 'PARTNER_REJECTED' && errnoOf(error.cause) === SFTP_NO_SUCH_FILE) return undefined;
      throw error;
    }
  }

  readdir(path: string, what: string): Promise<FileEntryWithStats[]> {
    return this.request(what, (done) => this.sftp.readdir(path, done));
  }

  openForWrite(path: string, what: string): Promise<Buffer> {
    return this.request(what, (done) => this.sftp.open(path, 'w', 0o640, done));
  }

  openForRead(path: string, what: string): Promise<Buffer> {
    return this.request(what, (done) => this.sftp.open(path, 'r', done));
  }

  write(handle: Buffer, data: Buffer, position: number, what: string): Promise<void> {
    return this.request(what, (done) => this.sftp.write(handle, data, 0, data.length, position, (error) => done(error)));
  }

  /** Reads up to `length` bytes at `position`; 0 bytes read means end of file. */
  read(handle: Buffer, length: number, position: number, what: string): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    return this.request<Buffer>(what, (done) => this.sftp.read(handle, buffer, 0, length, position, (error, bytesRead) => {
      // ssh2 reports end of file as an error with SFTP status EOF (1).
      if (error && errnoOf(error) === 1) { done(null, Buffer.alloc(0)); return; }
      done(error, error ? undefined : buffer.subarray(0, bytesRead));
    }));
  }

  fstat(handle: Buffer, what: string): Promise<Stats> {
    return this.request(what, (done) => this.sftp.fstat(handle, done));
  }

  closeHandle(handle: Buffer, what: string): Promise<void> {
    return this.request(what, (done) => this.sftp.close(handle, (error) => done(error)));
  }

  rename(from: string, to: string, what: string): Promise<void> {
    return this.request(what, (done) => this.sftp.rename(from, to, (error) => done(error)));
  }

  unlink(path: string, what: string): Promise<void> {
    return this.request(what, (done) => this.sftp.unlink(path, (error) => done(error)));
  }

  /** Ends the session; requests in flight fail PARTNER_UNAVAILABLE. */
  destroy(): void {
    if (!this.ended) {
      this.ended = true;
      for (const listener of this.closeListeners) listener();
    }
    this.client.end();
    this.client.destroy();
  }
}
