/**
 * DGSN's webhooks to the hub, as dgsn.md states them: a JSON event posted with
 * `X-DGSN-Timestamp: <unix seconds>` and `X-DGSN-Signature: sha256=<hex HMAC-SHA256("<timestamp>.<body>")>`;
 * a non-2xx answer (or no answer) is retried with backoff for 24 hours. The fault switches replay,
 * mis-sign or age deliveries. Written independently of connectors/webhook/.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DgsnFaults } from './dgsn-faults';

export type EventType = 'TRANSPORT_CLEARANCE' | 'BORDER_ARRIVAL';

export interface DgsnEvent {
  eventId: string;
  type: EventType;
  transportId: string;
  caseReference: string;
  outcome: 'CLEARED' | 'HELD';
  at: string;
  remarks?: string;
}

export interface Delivery {
  eventId: string;
  type: EventType;
  attempt: number;
  /** When the attempt was made, ISO 8601. */
  at: string;
  /** The hub's status, or null when it did not answer (connection refused, timeout). */
  status: number | null;
  fault: 'webhookBadSignature' | 'webhookStaleTimestamp' | 'webhookReplay' | null;
}

export interface WebhookSenderOptions {
  url?: string;
  secret: string;
  faults: DgsnFaults;
  /** First retry delay; doubles each time, capped at 5 minutes. */
  retryBaseMs: number;
  timeoutMs: number;
  now: () => number;
}

const GIVE_UP_AFTER_MS = 24 * 3600 * 1000;
const MAX_RETRY_DELAY_MS = 5 * 60 * 1000;
const STALE_BY_SECONDS = 600;

/** The signature header value for a body sent at `timestamp` (Unix seconds). */
export function signDgsnEvent(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookSender {
  /** Every delivery attempt, oldest first (bounded). */
  readonly deliveries: Delivery[] = [];
  /** Every event emitted since the last reset, in emission order. */
  readonly events: DgsnEvent[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Bumped by reset(): answers to deliveries made before it schedule no retry and no replay. */
  private generation = 0;

  constructor(private readonly options: WebhookSenderOptions) {}

  get url(): string | undefined {
    return this.options.url;
  }

  /** Where the next deliveries go (embedded mode learns the hub's URL after the sandbox started). */
  set url(url: string | undefined) {
    this.options.url = url;
  }

  emit(event: Omit<DgsnEvent, 'eventId'>): DgsnEvent {
    const full: DgsnEvent = { eventId: randomUUID(), ...event };
    this.events.push(full);
    const replay = this.options.faults.take('webhookReplay');
    this.deliver(full, 1, this.options.now(), replay);
    return full;
  }

  /** Events received but not yet acknowledged by the hub are forgotten. */
  reset(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.deliveries.splice(0);
    this.events.splice(0);
  }

  shutdown(): void {
    this.closed = true;
    this.reset();
  }

  private deliver(event: DgsnEvent, attempt: number, firstAt: number, replay: boolean): void {
    if (this.closed || this.options.url === undefined) return;
    const { faults } = this.options;
    let fault: Delivery['fault'] = replay && attempt === 0 ? 'webhookReplay' : null;
    let timestamp = Math.floor(this.options.now() / 1000);
    let secret = this.options.secret;
    // One fault per delivery, so that each shows in the log and each is retried on its own.
    if (faults.take('webhookStaleTimestamp')) { timestamp -= STALE_BY_SECONDS; fault = 'webhookStaleTimestamp'; }
    else if (faults.take('webhookBadSignature')) { secret = `${secret}-not-the-shared-secret`; fault = 'webhookBadSignature'; }
    const body = JSON.stringify(event);
    const record: Delivery = { eventId: event.eventId, type: event.type, attempt, at: new Date(this.options.now()).toISOString(), status: null, fault };
    this.deliveries.push(record);
    if (this.deliveries.length > 10_000) this.deliveries.shift();
    const generation = this.generation;
    void post(this.options.url, body, { 'X-DGSN-Timestamp': String(timestamp), 'X-DGSN-Signature': signDgsnEvent(secret, String(timestamp), body) }, this.options.timeoutMs)
      .then((status) => {
        record.status = status;
        if (generation !== this.generation || this.closed) return;
        if (status !== null && status >= 200 && status < 300) {
          // A replay: the same event delivered once more, as a retry after a lost acknowledgement would.
          if (replay && attempt > 0) this.deliver(event, 0, firstAt, replay);
          return;
        }
        if (attempt === 0) return;
        const delay = Math.min(MAX_RETRY_DELAY_MS, this.options.retryBaseMs * 2 ** (attempt - 1));
        if (this.options.now() + delay - firstAt > GIVE_UP_AFTER_MS) return;
        this.later(delay, () => this.deliver(event, attempt + 1, firstAt, replay));
      });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => { this.timers.delete(timer); fn(); }, ms);
    this.timers.add(timer);
  }
}

/** POSTs the event; resolves with the status, or null when the hub did not answer. Never rejects. */
function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'dgsn-sandbox', ...headers },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
      res.on('error', () => resolve(res.statusCode ?? null));
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on('error', () => resolve(null));
    req.end(body);
  });
}
