import { replayDeadLetter } from '../../broker/outbox/outbox-store';
import { amina, licenceRequest } from '../support/demo';
import { eventually, startHubFixture, type HubFixture } from '../support/hub-fixture';

type View = { status: string; history: Array<{ status: string; note?: string }>;
  exchanges: Array<{ id: string; direction: string; status: string; attempts: number; lastErrorCode?: string; lastError?: string }> };

/** NARSA's bad days: the request waits, retries follow the policy, the circuit opens and closes, dead letters are visible. */
describe('NARSA down, slow or throttling', () => {
  let f: HubFixture;
  let citizen: string;
  let n = 0;
  beforeAll(async () => {
    f = await startHubFixture({
      outbox: { pollIntervalMs: 25, leaseMs: 10000, retry: { baseMs: 50, maxMs: 200, factor: 2, jitter: 'none', maxAttempts: 4 } },
    }, { breaker: { failureThreshold: 5, resetTimeoutMs: 800 } });
    citizen = await f.token('citizen', { sub: 'amina' });
  });
  afterAll(async () => { await f.dispose(); });
  beforeEach(() => { f.narsa.faults.reset(); f.narsa.received.clear(); });

  const submit = async (): Promise<string> => {
    const res = await f.api('POST', '/api/v1/requests', { token: citizen, body: licenceRequest(amina), headers: { 'idempotency-key': `fault-${++n}` } });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };
  const view = async (id: string): Promise<View> => (await f.api('GET', `/api/v1/requests/${id}`, { token: citizen })).body as View;
  const outboxRow = async (id: string) => f.hub.database.knex('outbox').where('request_id', id).first();

  it('retries after 503s with backoff and completes once NARSA answers', async () => {
    f.narsa.faults.set({ fail503: 2 });
    const id = await submit();
    const ready = await eventually(async () => { const v = await view(id); return v.status === 'ready-for-decision' ? v : undefined; });
    const out = ready.exchanges.find((e) => e.direction === 'out');
    expect(out).toMatchObject({ status: 'delivered', attempts: 3 });
    const row = await outboxRow(id);
    const received = f.narsa.received.entries().filter((e) => e.messageId === row.id);
    // The same message id on every attempt: NARSA can recognise the retries.
    expect(received.map((e) => e.status)).toEqual([503, 503, 200]);
    const ledger = await f.hub.database.knex('exchange_ledger').where('message_id', row.id).orderBy('seq').select('outcome', 'attempt');
    expect(ledger).toEqual([{ outcome: 'failed PARTNER_UNAVAILABLE', attempt: 1 }, { outcome: 'failed PARTNER_UNAVAILABLE', attempt: 2 }, { outcome: 'delivered', attempt: 3 }]);
  });

  it('honours Retry-After on 429', async () => {
    f.narsa.faults.set({ fail429: 1, retryAfterSeconds: 1 });
    const id = await submit();
    await eventually(async () => ((await view(id)).status === 'ready-for-decision' ? true : undefined));
    const row = await outboxRow(id);
    const [first, second] = f.narsa.received.entries().filter((e) => e.messageId === row.id);
    expect(first.status).toBe(429);
    expect(Date.parse(second.at) - Date.parse(first.at)).toBeGreaterThanOrEqual(950);
  });

  it('opens the circuit after repeated failures, stops calling NARSA, and closes it when NARSA is back', async () => {
    f.narsa.faults.set({ fail503: 'always' });
    const id = await submit();
    // binding: 5 consecutive failures open the circuit; our policy allows 4 attempts per message, so a second message feeds it.
    const id2 = await submit();
    const opened = await eventually(async () => {
      const ready = (await f.api('GET', '/ready')).body as { checks?: { partners?: Record<string, { circuit?: string }> } };
      return ready.checks?.partners?.narsa?.circuit === 'open' ? true : undefined;
    });
    expect(opened).toBe(true);
    const hitsWhenOpened = f.narsa.received.entries().length;
    await new Promise((r) => setTimeout(r, 300));
    // While open, retries are rescheduled without a call: NARSA sees nothing new.
    expect(f.narsa.received.entries().length).toBe(hitsWhenOpened);
    expect((await view(id2)).status).toBe('awaiting-partners');

    f.narsa.faults.reset();
    // After the reset timeout one trial call goes through (half-open), succeeds, and the circuit closes.
    const closed = await eventually(async () => {
      const ready = (await f.api('GET', '/ready')).body as { checks?: { partners?: Record<string, { circuit?: string }> } };
      return ready.checks?.partners?.narsa?.circuit === 'closed' && (await view(id2)).status === 'ready-for-decision' ? true : undefined;
    });
    expect(closed).toBe(true);
    // The first message may have used up its attempts while NARSA was down: it is then in dead letters, not lost.
    const settled = await eventually(async () => { const row = await outboxRow(id); return ['delivered', 'dead'].includes(row.status) ? row : undefined; });
    if (settled.status === 'dead') expect((await view(id)).exchanges.find((e) => e.direction === 'out')).toMatchObject({ status: 'dead', lastErrorCode: 'PARTNER_UNAVAILABLE' });
    // Delivered: the answer is in the inbox in the same transaction, and is applied on the relay's next pass.
    else expect(await eventually(async () => { const v = await view(id); return v.status === 'ready-for-decision' ? v.status : undefined; })).toBe('ready-for-decision');
  });

  it('moves a message to dead letters after the limit, shows it on the request, and delivers it on replay', async () => {
    // From the previous test the circuit may be open; wait until the earlier messages are settled.
    f.narsa.faults.set({ fail503: 'always' });
    const id = await submit();
    const dead = await eventually(async () => {
      const v = await view(id);
      const out = v.exchanges.find((e) => e.direction === 'out');
      return out?.status === 'dead' ? v : undefined;
    }, 60000, 100);
    const out = dead.exchanges.find((e) => e.direction === 'out');
    expect(out).toMatchObject({ status: 'dead', attempts: 4, lastErrorCode: 'PARTNER_UNAVAILABLE' });
    expect(out?.lastError).toMatch(/gave up after 4 attempts/);
    expect(dead.status).toBe('awaiting-partners');
    await eventually(async () => ((await view(id)).history.some((h) => /dead letters/.test(h.note ?? '')) ? true : undefined));

    f.narsa.faults.reset();
    const row = await outboxRow(id);
    expect(await replayDeadLetter(f.hub.database.knex, row.id, 'engineer-1')).toBe(true);
    f.hub.relay.poke();
    const ready = await eventually(async () => { const v = await view(id); return v.status === 'ready-for-decision' ? v : undefined; }, 60000, 100);
    expect(ready.history.filter((h) => h.status === 'ready-for-decision')).toHaveLength(1);
    const audit = await f.hub.database.knex('audit_log').where({ action: 'outbox.replay', subject: row.id });
    expect(audit).toHaveLength(1);
  }, 90000);
});
