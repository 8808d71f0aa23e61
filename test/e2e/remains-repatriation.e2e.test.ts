/**
 * Repatriation of Khadija ALAOUI's remains through the portal, with the hub in embedded mode and the three
 * agencies (DGSN, Interior, Health) on real sockets: the happy path to `completed`, then each agency's bad days.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../support/hub-fixture';
import { startAgenciesFixture, type AgenciesFixture } from '../support/agencies-fixture';

type Clearance = { agency: string; status: string; reason?: string; partnerReference?: string; decisionReference?: string };
type View = {
  id: string; reference: string; status: string; data: Record<string, unknown>;
  history: Array<{ status: string; actor: string; note?: string }>;
  exchanges: Array<{ partner: string; operation: string; direction: string; status: string; attempts: number }>;
  documents: Array<{ id: string; kind: string; href: string }>;
  results: Record<string, unknown> & { interiorClearance?: Clearance; healthClearance?: Clearance; dgsnClearance?: Clearance; escalation?: { pending: string[] } };
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
    f = await startAgenciesFixture({ schedules: { healthDecisions: '* * * * * *', interiorBurialPolling: '* * * * * *', repatriationEscalations: '* * * * * *' } });
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
});
