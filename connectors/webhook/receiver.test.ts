/**
 * The webhook receiver over a real socket. Deliveries are signed here with node:crypto directly (not
 * with the receiver's own helper), so a mistake in the receiver's signing is not mirrored by the test.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { isHubError } from '../../broker/errors';
import { createWebhookReceiver, type StoreOutcome, type WebhookEventRecord, type WebhookReceiver } from './index';

const SECRET = 'a-shared-secret-of-the-hub-and-dgsn';
let receiver: WebhookReceiver;
let url: URL;
let stored: Map<string, WebhookEventRecord>;
let failNextStore = false;
const warnings: string[] = [];

beforeAll(async () => {
  stored = new Map();
  receiver = createWebhookReceiver({
    partner: 'dgsn',
    path: '/partners/dgsn/events',
    secret: SECRET,
    maxBodyBytes: 2048,
    logger: { debug: () => undefined, info: () => undefined, warn: (message, meta) => { warnings.push(`${message} ${JSON.stringify(meta)}`); } },
    onEvent: async (record): Promise<StoreOutcome> => {
      if (failNextStore) { failNextStore = false; throw new Error('database unavailable'); }
      if (stored.has(record.eventId)) return { inserted: false };
      stored.set(record.eventId, record);
      return { inserted: true };
    },
  });
  url = new URL(await receiver.listen());
});
afterAll(async () => { await receiver.close(); });
beforeEach(() => { stored.clear(); warnings.splice(0); failNextStore = false; });

interface Reply { status: number; body: string; headers: Record<string, string | string[] | undefined> }

function post(body: string | Buffer, headers: Record<string, string>, options: { path?: string; method?: string; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, path: options.path ?? url.pathname, method: options.method ?? 'POST', agent: false,
      headers: { 'Content-Type': 'application/json', ...(options.chunked ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    // The receiver may close the connection while a refused body is still being written.
    req.on('error', (error) => reject(error));
    if (options.chunked) {
      const data = Buffer.from(body);
      for (let at = 0; at < data.length; at += 512) req.write(data.subarray(at, at + 512));
      req.end();
    } else {
      req.end(body);
    }
  });
}

const sign = (secret: string, timestamp: string, body: string): string => `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function event(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    eventId: randomUUID(), type: 'TRANSPORT_CLEARANCE', transportId: 'TRP-2026-000001', caseReference: 'REP-MAD-2026-000001',
    outcome: 'CLEARED', at: '2026-11-27T10:00:00Z', ...extra,
  });
}

function signed(body: string, options: { secret?: string; timestamp?: number } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? nowSeconds());
  return { 'X-DGSN-Timestamp': timestamp, 'X-DGSN-Signature': sign(options.secret ?? SECRET, timestamp, body) };
}

describe('webhook receiver: authentic events', () => {
  it('stores a valid event before answering 200, and a second delivery of it answers 200 without a second effect', async () => {
    const body = event();
    const first = await post(body, signed(body));
    expect(first.status).toBe(200);
    const { eventId } = JSON.parse(body) as { eventId: string };
    expect(JSON.parse(first.body)).toEqual({ eventId, status: 'stored' });
    expect(stored.get(eventId)).toMatchObject({
      partner: 'dgsn', eventId, type: 'TRANSPORT_CLEARANCE', caseReference: 'REP-MAD-2026-000001', payload: JSON.parse(body),
      bodySha256: createHash('sha256').update(body).digest('hex'),
    });

    // The partner retries (its acknowledgement was lost): newly signed, same event.
    const again = await post(body, signed(body));
    expect([again.status, JSON.parse(again.body)]).toEqual([200, { eventId, status: 'duplicate' }]);
    expect(stored.size).toBe(1);
  });

  it('accepts a timestamp inside the five-minute window', async () => {
    const body = event();
    expect((await post(body, signed(body, { timestamp: nowSeconds() - 280 }))).status).toBe(200);
  });

  it('answers 500 when the event cannot be stored, so the partner delivers it again', async () => {
    const body = event();
    failNextStore = true;
    const failed = await post(body, signed(body));
    expect(failed.status).toBe(500);
    expect(failed.body).not.toContain('database');
    expect(stored.size).toBe(0);
    expect((await post(body, signed(body))).status).toBe(200);
    expect(stored.size).toBe(1);
  });
});

describe('webhook receiver: refused deliveries', () => {
  it('refuses a signature made with another key with 401, storing nothing', async () => {
    const body = event();
    const reply = await post(body, signed(body, { secret: 'not-the-shared-secret-at-all' }));
    expect(reply.status).toBe(401);
    expect(stored.size).toBe(0);
    expect(warnings.join('\n')).toContain('signature-mismatch');
  });

  it('refuses a timestamp more than five minutes old or ahead, even correctly signed', async () => {
    const body = event();
    expect((await post(body, signed(body, { timestamp: nowSeconds() - 301 - 5 }))).status).toBe(401);
    expect((await post(body, signed(body, { timestamp: nowSeconds() + 301 + 5 }))).status).toBe(401);
    expect(stored.size).toBe(0);
    expect(warnings.join('\n')).toContain('stale-timestamp');
  });

  it('detects a tampered body, and a signature replayed with another timestamp', async () => {
    const body = event({ outcome: 'HELD' });
    const headers = signed(body);
    const tampered = body.replace('"HELD"', '"CLEARED"');
    expect((await post(tampered, headers)).status).toBe(401);
    // Whitespace is part of the raw body: re-serialising the JSON would change what was signed.
    expect((await post(`${body} `, headers)).status).toBe(401);
    expect((await post(body, { ...headers, 'X-DGSN-Timestamp': String(Number(headers['X-DGSN-Timestamp']) - 1) })).status).toBe(401);
    expect(stored.size).toBe(0);
  });

  it('says the same thing for every authentication failure, and never echoes the secret or the signature', async () => {
    const body = event();
    const headers = signed(body);
    const replies = await Promise.all([
      post(body, { ...headers, 'X-DGSN-Signature': 'sha256=00' }),
      post(body, { 'X-DGSN-Timestamp': headers['X-DGSN-Timestamp'] }),
      post(body, { 'X-DGSN-Signature': headers['X-DGSN-Signature'] }),
      post(body, signed(body, { timestamp: nowSeconds() - 3600 })),
      post(body, signed(body, { secret: 'another-secret-entirely' })),
    ]);
    expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(replies.map((r) => r.body)).size).toBe(1);
    for (const reply of replies) {
      expect(reply.body).not.toContain(SECRET);
      expect(reply.body).not.toContain(headers['X-DGSN-Signature'].slice(7));
    }
    expect(warnings.join('\n')).not.toContain(SECRET);
  });

  it('refuses malformed JSON (once authenticated) with 400, and an event without an eventId', async () => {
    const broken = '{"eventId": "e-1", ';
    expect((await post(broken, signed(broken))).status).toBe(400);
    const anonymous = JSON.stringify({ type: 'BORDER_ARRIVAL' });
    expect((await post(anonymous, signed(anonymous))).status).toBe(400);
    const list = '[1,2]';
    expect((await post(list, signed(list))).status).toBe(400);
    expect(stored.size).toBe(0);
  });

  it('checks the signature before parsing: malformed JSON with a bad signature is 401, not 400', async () => {
    expect((await post('{not json', signed('{something else'))).status).toBe(401);
  });

  it('refuses an oversized body with 413, declared or streamed', async () => {
    const big = event({ remarks: 'x'.repeat(4096) });
    expect((await post(big, signed(big))).status).toBe(413);
    expect((await post(big, signed(big), { chunked: true })).status).toBe(413);
    expect(stored.size).toBe(0);
  });

  it('answers 404 on another path and 405 on another method', async () => {
    const body = event();
    expect((await post(body, signed(body), { path: '/partners/dgsn/other' })).status).toBe(404);
    const reply = await post('', {}, { method: 'GET' });
    expect([reply.status, reply.headers.allow]).toEqual([405, 'POST']);
  });
});

describe('webhook receiver configuration', () => {
  it('refuses a short secret as CONFIG_INVALID without repeating it', () => {
    try {
      createWebhookReceiver({ partner: 'dgsn', path: '/partners/dgsn/events', secret: 'short-secret', onEvent: async () => ({ inserted: true }) });
    } catch (error) {
      expect(isHubError(error) && error.code).toBe('CONFIG_INVALID');
      expect((error as Error).message).toContain('partners.dgsn.webhook.secret');
      expect((error as Error).message).not.toContain('short-secret');
      return;
    }
    throw new Error('expected CONFIG_INVALID');
  });
});
