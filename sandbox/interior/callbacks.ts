/**
 * The Interior calling the hub back (SOAP client side of the sandbox): NotifyBurialAuthorisationDecision
 * and NotifyDeathTranscription to the hub's ConsularCallbackService. A callback that gets no Ack (or a
 * fault) is tried again every `callbackRetryMs` for 48 hours, with the same message id; the
 * `duplicateCallbacks` switch sends each attempt twice.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { callbackEnvelope, type Credentials, get, hashOf, parseDocument, readEnvelope, str } from '../_kit/soap';
import type { InteriorFaults } from './faults';

export interface CallbackJob {
  /** Message id of the callback, the same on every attempt. */
  id: string;
  operation: 'NotifyBurialAuthorisationDecision' | 'NotifyDeathTranscription';
  ticket: string;
  caseReference: string;
  /** The body element, serialised (prefix `cb`). */
  bodyXml: string;
}

export interface CallbackRecordEntry {
  id: string;
  operation: string;
  ticket: string;
  caseReference: string;
  attempts: number;
  /** Times the hub answered with an Ack. */
  acknowledged: number;
  lastOutcome: string | null;
}

const RETRY_FOR_MS = 48 * 3600_000;
const ATTEMPT_TIMEOUT_MS = 30_000;

export class CallbackSender {
  readonly log: CallbackRecordEntry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly callbackUrl: () => string | undefined,
    private readonly credentials: Credentials,
    private readonly faults: InteriorFaults,
    /** PEM of the CA of the hub's certificate, for an https:// callback URL (else the system CAs). */
    private readonly ca?: string | Buffer,
  ) {}

  /** First attempt now (awaitable: for `callbackBeforeAck`), retries scheduled. */
  async deliver(job: CallbackJob): Promise<void> {
    const entry: CallbackRecordEntry = { id: job.id, operation: job.operation, ticket: job.ticket, caseReference: job.caseReference, attempts: 0, acknowledged: 0, lastOutcome: null };
    this.log.push(entry);
    if (this.log.length > 10_000) this.log.shift();
    await this.attempt(job, entry, Date.now());
  }

  /** Delivers after `delayMs` (the usual path: after the Ack of the submission). */
  later(job: CallbackJob, delayMs: number): void {
    this.schedule(() => this.deliver(job), delayMs);
  }

  private async attempt(job: CallbackJob, entry: CallbackRecordEntry, firstAt: number): Promise<void> {
    if (this.closed) return;
    const copies = this.faults.duplicateCallbacks ? 2 : 1;
    let acked = false;
    for (let i = 0; i < copies; i += 1) {
      entry.attempts += 1;
      const outcome = await this.post(job);
      entry.lastOutcome = outcome;
      if (outcome === 'ack') {
        entry.acknowledged += 1;
        acked = true;
      }
    }
    if (!acked && Date.now() - firstAt < RETRY_FOR_MS) this.schedule(() => this.attempt(job, entry, firstAt), this.faults.callbackRetryMs);
  }

  private schedule(run: () => Promise<void>, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run().catch(() => undefined);
    }, delayMs);
    this.timers.add(timer);
  }

  /** One POST; resolves with `ack`, or with what went wrong (no personal data). */
  private post(job: CallbackJob): Promise<string> {
    const target = this.callbackUrl();
    if (!target) return Promise.resolve('no callback URL configured');
    const raw = Buffer.from(callbackEnvelope({ service: `MAEC/ECONSULAT/${job.operation}`, id: job.id, issue: job.caseReference }, this.credentials, job.bodyXml), 'utf8');
    const url = new URL(target);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = send(url, {
        method: 'POST', agent: false, timeout: ATTEMPT_TIMEOUT_MS, ...(this.ca === undefined ? {} : { ca: this.ca }),
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"urn:ma:consulat:callback:v1/${job.operation}"`, 'Content-Length': String(raw.length) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(judge(res.statusCode ?? 0, Buffer.concat(chunks), job.id, hashOf(raw))));
        res.on('error', () => resolve('connection lost'));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve('no answer'));
      req.end(raw);
    });
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** An Ack counts only with status 200, an Ack body, and the header proving the hub read our bytes. */
function judge(status: number, body: Buffer, id: string, hash: string): string {
  try {
    const env = readEnvelope(parseDocument(body.toString('utf8')));
    if (!env) return `status ${status}, not SOAP`;
    if (env.bodyName === 'Fault') return `fault ${str(get(get(get(env.body, 'detail'), 'fault'), 'code')) ?? str(get(env.body, 'faultcode')) ?? ''}`.trim();
    if (status !== 200 || env.bodyName !== 'Ack') return `status ${status}, body ${env.bodyName ?? 'empty'}`;
    if (str(get(env.header, 'id')) !== id || str(get(env.header, 'requestHash')) !== hash) return 'Ack with a wrong id or requestHash';
    return 'ack';
  } catch {
    return `status ${status}, unreadable`;
  }
}
