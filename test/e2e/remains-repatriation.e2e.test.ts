/**
 * Repatriation of Khadija ALAOUI's remains through the portal, with the hub in embedded mode and the three
 * agencies (DGSN, Interior, Health) on real sockets: the happy path to `completed`, then each agency's bad days.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../support/hub-fixture';
import { startAgenciesFixture, type AgenciesFixture } from '../support/agencies-fixture';

type Clearance = { agency: string; kind?: string; status: string; reason?: string; fields?: string[]; partnerReference?: string; decisionReference?: string; decidedAt?: string };
type View = {
  id: string; reference: string; status: string; data: Record<string, unknown>;
  history: Array<{ status: string; actor: string; note?: string }>;
  exchanges: Array<{ partner: string; operation: string; direction: string; status: string; attempts: number }>;
  documents: Array<{ id: string; kind: string; href: string }>;
  results: Record<string, unknown> & { interiorClearance?: Clearance; healthClearance?: Clearance; dgsnClearance?: Clearance; escalation?: { pending: string[] } };
  deadline?: { at: string; secondsLeft: number };
};

const EXAMPLE = JSON.parse(readFileSync(path.join(__dirname, '../../docs/examples/remains-repatriation.json'), 'utf8')) as {
  service: string; post: string; applicant: Record<string, unknown>; data: Record<string, unknown> & { documents: Array<{ type: string }>; death: Record<string, unknown> };
};

/** The example with its data changed (a deep copy: tests never share objects). */
function example(change: (data: typeof EXAMPLE.data) => void = () => undefined): typeof EXAMPLE {
  const copy = JSON.parse(JSON.stringify(EXAMPLE)) as typeof EXAMPLE;
  change(copy.data);
  return copy;
}

describe('remains repatriation, end to end through the portal and the DGSN, Interior and Health sandboxes', () => {
  let f: AgenciesFixture;
  let family: string;
  let agent: string;
  let keys = 0;
  beforeAll(async () => {
    f = await startAgenciesFixture({ schedules: { healthDecisions: '* * * * * *', interiorBurialPolling: '* * * * * *', repatriationEscalations: '* * * * * *', repatriationPollingDelaySeconds: 2 } });
    family = await f.token('citizen', { sub: 'hassan-alaoui' });
    agent = await f.token('agent', { sub: 'agent-madrid', post: 'CG-MADRID' });
  }, 60_000);
  afterAll(async () => { await f.dispose(); });
  beforeEach(() => {
    f.agencies.interior.faults.reset();
    f.agencies.interior.faults.set({ callbackDelayMs: 50, callbackRetryMs: 300 });
    f.agencies.health.faults.reset();
    f.agencies.dgsn.faults.reset();
  });

  const view = async (id: string): Promise<View> => (await f.api('GET', `/api/v1/requests/${id}`, { token: agent })).body as View;
  /** The view, with the time left the hub must have computed between the call's start and its end. */
  const viewWithBounds = async (id: string) => {
    const before = Date.now();
    const v = await view(id);
    return { v, before, after: Date.now() };
  };
  const expectTimeLeft = (read: { v: View; before: number; after: number }, at: string) => {
    expect(read.v.deadline?.at).toBe(at);
    const arrival = Date.parse(at);
    expect(read.v.deadline?.secondsLeft).toBeGreaterThanOrEqual(Math.floor((arrival - read.after) / 1000));
    expect(read.v.deadline?.secondsLeft).toBeLessThanOrEqual(Math.ceil((arrival - read.before) / 1000));
  };
  const waitFor = (id: string, status: string, timeoutMs = 30_000) =>
    eventually(async () => { const v = await view(id); return v.status === status ? v : undefined; }, timeoutMs);
  const submit = async (body: unknown): Promise<string> => {
    const created = await f.api('POST', '/api/v1/requests', { token: family, body, headers: { 'idempotency-key': `rep-${++keys}` } });
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };

  it('posts docs/examples/remains-repatriation.json and follows it to completed: three clearances, approval, the laissez-passer', async () => {
    const id = await submit(EXAMPLE);
    const ready = await waitFor(id, 'ready-for-decision');
    expect(ready.reference).toMatch(/^REP-MAD-\d{4}-\d{6}$/);
    expect(ready.results.identityCheck).toMatchObject({ outcome: 'deceased' });
    expect(ready.results.interiorClearance).toMatchObject({ agency: 'interior', status: 'granted', decisionReference: expect.stringMatching(/^AI-351041-/) });
    expect(ready.results.healthClearance).toMatchObject({ agency: 'health', status: 'granted', partnerReference: expect.stringMatching(/^SAN-/) });
    expect(ready.results.dgsnClearance).toMatchObject({ agency: 'dgsn', status: 'granted', partnerReference: expect.stringMatching(/^TRP-/) });
    // Each clearance's state is in the view, and the time left before the expected arrival is computed when read.
    const arrivalAt = (EXAMPLE.data.transport as { expectedArrivalAt: string }).expectedArrivalAt;
    expectTimeLeft(await viewWithBounds(id), arrivalAt);
    expect(ready.exchanges).toEqual(expect.arrayContaining([
      expect.objectContaining({ partner: 'dgsn', operation: 'identity.verify', direction: 'out', status: 'delivered' }),
      expect.objectContaining({ partner: 'interior', operation: 'burial.submit', direction: 'out', status: 'delivered' }),
      expect.objectContaining({ partner: 'health', operation: 'clearance.request', direction: 'out', status: 'delivered' }),
      expect.objectContaining({ partner: 'dgsn', operation: 'transport.notify', direction: 'out', status: 'delivered' }),
    ]));

    // The family cannot approve; the agent of the post approves, then issues the laissez-passer.
    expect((await f.api('POST', `/api/v1/requests/${id}/actions/approve`, { token: family, body: {} })).status).toBe(403);
    expect((await f.api('POST', `/api/v1/requests/${id}/actions/approve`, { token: agent, body: {} })).status).toBe(200);
    const issued = await f.api('POST', `/api/v1/requests/${id}/actions/issue`, { token: agent, body: {} });
    expect(issued.status).toBe(200);
    const done = issued.body as View;
    expect(done.status).toBe('completed');
    expect(done.deadline).toBeUndefined(); // the file is closed: the arrival is no longer a deadline
    expect(done.documents).toEqual([expect.objectContaining({ kind: 'mortuary-laissez-passer' })]);
    const pdf = await f.api('GET', done.documents[0].href, { token: family });
    expect(pdf.status).toBe(200);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 60_000);

  it('a Health refusal (contagious disease) rejects the request with the Ministry\'s reason', async () => {
    const id = await submit(example((d) => { d.death.contagiousDisease = 'yes'; }));
    const rejected = await waitFor(id, 'rejected');
    expect(rejected.results.healthClearance).toMatchObject({ status: 'refused', reason: expect.any(String) });
    expect(rejected.history.at(-1)).toMatchObject({ status: 'rejected', actor: 'health', note: expect.stringMatching(/Health .*refused/) });
  }, 60_000);

  const notesBy = (v: View, actor: string) => v.history.filter((h) => h.actor === actor);

  it('Interior: a callback sent twice and before the Ack of the submission is applied once', async () => {
    f.agencies.interior.faults.set({ duplicateCallbacks: true, callbackBeforeAck: true });
    const id = await submit(EXAMPLE);
    const ready = await waitFor(id, 'ready-for-decision');
    expect(ready.results.interiorClearance).toMatchObject({ status: 'granted', partnerReference: expect.stringMatching(/^MI-INH-/) });
    expect(notesBy(ready, 'interior')).toHaveLength(1);
    const callbacks = await f.hub.database.knex('inbox').where({ partner: 'interior', case_reference: ready.reference, operation: 'callback.NotifyBurialAuthorisationDecision' });
    expect(callbacks).toHaveLength(1);
  }, 60_000);

  it('Interior: a missed callback is caught by the status poll', async () => {
    f.agencies.interior.faults.set({ missCallbacks: 1 });
    const id = await submit(EXAMPLE);
    const ready = await waitFor(id, 'ready-for-decision', 45_000);
    expect(ready.results.interiorClearance).toMatchObject({ status: 'granted', decisionReference: expect.stringMatching(/^AI-/) });
    expect(ready.exchanges).toEqual(expect.arrayContaining([expect.objectContaining({ partner: 'interior', operation: 'burial.status', direction: 'out', status: 'delivered' })]));
  }, 60_000);

  it('Health: a feed page served twice gives one decision', async () => {
    f.agencies.health.faults.set({ repeatPage: 2, boundaryDuplicate: 1 });
    const id = await submit(EXAMPLE);
    const ready = await waitFor(id, 'ready-for-decision');
    // The Accuse (pending, with the Ministry's number) and the one decision: nothing more from the repeated pages.
    expect(notesBy(ready, 'health').filter((h) => !/: pending$/.test(h.note ?? ''))).toHaveLength(1);
    const decisions = await f.hub.database.knex('inbox').where({ partner: 'health', case_reference: ready.reference, operation: 'event.Decision' });
    expect(decisions).toHaveLength(1);
  }, 60_000);

  it('Interior NEEDS_INFO (no death act) → info-requested; the family\'s correction is validated, re-sent to the Interior only, and the request goes on', async () => {
    const id = await submit(example((d) => { d.documents = d.documents.filter((doc) => doc.type !== 'death-act'); }));
    const asked = await waitFor(id, 'info-requested');
    expect(asked.results.interiorClearance).toMatchObject({ status: 'needs-info', reason: 'DEATH_ACT_MISSING' });
    expect(asked.history).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'info-requested', actor: 'interior', note: expect.stringMatching(/Interior .*DEATH_ACT_MISSING/) })]));

    const bad = await f.api('POST', `/api/v1/requests/${id}/actions/correct`, { token: family, body: { data: { documents: [{ type: 'death-act', mediaType: 'text/plain', content: 'eA==' }] } } });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain('/data/documents/0/mediaType');

    const corrected = await f.api('POST', `/api/v1/requests/${id}/actions/correct`, { token: family, body: { data: { documents: EXAMPLE.data.documents } } });
    expect(corrected.status).toBe(200);
    expect((corrected.body as View).status).toBe('awaiting-partners');
    const ready = await waitFor(id, 'ready-for-decision');
    expect(ready.results.interiorClearance).toMatchObject({ status: 'granted' });
    expect(ready.exchanges.filter((e) => e.operation === 'burial.submit' && e.direction === 'out')).toHaveLength(2);
    expect(ready.exchanges.filter((e) => e.operation === 'clearance.request' && e.direction === 'out')).toHaveLength(1);
  }, 60_000);

  it('Health 400 Erreurs (the death certificate missing) → info-requested naming the Ministry\'s fields; the correction goes to Health only', async () => {
    const id = await submit(example((d) => { d.documents = d.documents.filter((doc) => doc.type !== 'death-certificate'); }));
    const asked = await waitFor(id, 'info-requested');
    // The Ministry's refusal is an answer mapped like any other (health/clearance-answer.in), not a dead letter.
    expect(asked.results.healthClearance).toMatchObject({ status: 'needs-info', fields: ['Pieces'], reason: expect.stringMatching(/400 Erreurs/) });
    expect(asked.history).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'info-requested', actor: 'health', note: expect.stringMatching(/fields: Pieces/) })]));
    expect(asked.exchanges).toEqual(expect.arrayContaining([expect.objectContaining({ partner: 'health', operation: 'clearance.request', direction: 'out', status: 'delivered' })]));
    const deadLetters = await f.hub.database.knex('inbox').where({ partner: 'health', case_reference: asked.reference }).whereLike('message_id', 'dead:%');
    expect(deadLetters).toHaveLength(0);

    const corrected = await f.api('POST', `/api/v1/requests/${id}/actions/correct`, { token: family, body: { data: { documents: EXAMPLE.data.documents } } });
    expect(corrected.status).toBe(200);
    const ready = await waitFor(id, 'ready-for-decision');
    expect(ready.results.healthClearance).toMatchObject({ status: 'granted' });
    expect(ready.results.healthClearance?.fields).toBeUndefined();
    expect(ready.exchanges.filter((e) => e.operation === 'clearance.request' && e.direction === 'out')).toHaveLength(2);
    expect(ready.exchanges.filter((e) => e.operation === 'burial.submit' && e.direction === 'out')).toHaveLength(1);
  }, 60_000);

  it('DGSN: a badly signed delivery is refused (nothing applied) and its replay is absorbed', async () => {
    f.agencies.dgsn.faults.set({ webhookBadSignature: 1, webhookReplay: 1 });
    const before = f.agencies.dgsn.webhooks.deliveries.length;
    const id = await submit(EXAMPLE);
    const ready = await waitFor(id, 'ready-for-decision', 45_000);
    // The refused delivery (401) was retried signed correctly; the replay (attempt 0) was acknowledged and absorbed.
    const ours = await eventually(async () => {
      const d = f.agencies.dgsn.webhooks.deliveries.slice(before);
      return d.some((x) => x.status === 401) && d.some((x) => x.attempt === 0) ? d : undefined;
    }, 20_000);
    expect(ours.filter((x) => x.status === 401)).toHaveLength(1);
    const events = await f.hub.database.knex('inbox').where({ partner: 'dgsn', case_reference: ready.reference }).whereLike('operation', 'event.%');
    expect(new Set(events.map((e: { message_id: string }) => e.message_id)).size).toBe(events.length);
    expect(ready.results.dgsnClearance).toMatchObject({ status: 'granted' });
  }, 60_000);

  it('DGSN: events out of order through the signed webhook — an older event after a newer one changes nothing', async () => {
    f.agencies.dgsn.faults.set({ webhookOutOfOrder: 1 });
    const id = await submit(EXAMPLE);
    const { reference } = await waitFor(id, 'ready-for-decision', 45_000);
    const dgsnEvents = () => f.hub.database.knex('inbox').where({ partner: 'dgsn', case_reference: reference }).whereLike('operation', 'event.%');
    const processed = (n: number) => eventually(async () => {
      const rows = (await dgsnEvents()) as Array<{ status: string }>;
      return rows.length >= n && rows.every((r) => r.status === 'processed') ? rows : undefined;
    }, 20_000);
    await processed(2);
    // The sandbox sent BORDER_ARRIVAL first, then the older TRANSPORT_CLEARANCE.
    const sent = f.agencies.dgsn.webhooks.events.filter((e) => e.caseReference === reference);
    expect(sent.map((e) => e.type)).toEqual(['BORDER_ARRIVAL', 'TRANSPORT_CLEARANCE']);
    expect(Date.parse(sent[1].at)).toBeLessThan(Date.parse(sent[0].at));
    const kept = await view(id);
    expect(kept.results.dgsnClearance).toMatchObject({ kind: 'border-arrival', status: 'granted', decidedAt: new Date(sent[0].at).toISOString() });

    // An older HELD, signed and delivered like any event: stored, applied, and it changes nothing.
    const late = f.agencies.dgsn.webhooks.emit({ type: 'TRANSPORT_CLEARANCE', transportId: sent[0].transportId, caseReference: reference, outcome: 'HELD',
      at: new Date(Date.parse(sent[1].at) - 60_000).toISOString(), remarks: 'Escorte non identifiée' });
    await processed(3);
    await eventually(async () => f.agencies.dgsn.webhooks.deliveries.some((d) => d.eventId === late.eventId && d.status !== null && d.status < 300) || undefined, 10_000);
    const after = await view(id);
    expect(after.status).toBe('ready-for-decision');
    expect(after.results.dgsnClearance).toEqual(kept.results.dgsnClearance);
    expect(after.history).toHaveLength(kept.history.length);
  }, 60_000);

  it('DGSN down for a while: the identity check and the notification are retried until it is back', async () => {
    f.agencies.dgsn.faults.set({ fail503: 2, retryAfterSeconds: 0 });
    const id = await submit(EXAMPLE);
    const ready = await waitFor(id, 'ready-for-decision', 45_000);
    expect(ready.exchanges.find((e) => e.operation === 'identity.verify' && e.direction === 'out')?.attempts).toBeGreaterThan(1);
  }, 60_000);

  it('a clearance still pending 12 hours before arrival is escalated, in the request and in the supervisors\' list', async () => {
    f.agencies.health.faults.set({ reindexing: true });
    const soon = new Date(Date.now() + 6 * 3600_000).toISOString();
    const id = await submit(example((d) => { (d.transport as Record<string, unknown>).expectedArrivalAt = soon; }));
    const flagged = await eventually(async () => { const v = await view(id); return v.results.escalation ? v : undefined; }, 30_000);
    expect(flagged.results.escalation?.pending).toContain('health');
    const read = await viewWithBounds(id);
    expectTimeLeft(read, soon);
    expect(read.v.deadline?.secondsLeft).toBeLessThan(12 * 3600);
    const supervisor = await f.token('supervisor', { sub: 'sup-madrid', post: 'CG-MADRID' });
    const list = await f.api('GET', '/api/v1/escalations', { token: supervisor });
    expect(list.status).toBe(200);
    expect((list.body as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(id);
    f.agencies.health.faults.set({ reindexing: false });
  }, 60_000);
});
