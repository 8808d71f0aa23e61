/**
 * Judicial documents end to end: the Justice sandbox publishes lots on its SFTP server; the hub takes them in on its
 * schedule (every second here), opens one request per accepted pli at the post of the address, answers the lot with
 * an AccuseLot the Ministry reads; the agent summons, records the service, returns the pli; every status and the
 * certificate reach the Ministry's SOAP service in the order they happened. Bad days: a lot delivered again, a lot
 * without its marker, the Ministry INDISPONIBLE for a while and then down past the retries (dead letter, replay),
 * a hub restart between two statuses.
 */
import { replayDeadLetter } from '../../broker/outbox/outbox-store';
import { startAgenciesFixture, type AgenciesFixture } from '../support/agencies-fixture';
import type { PublishReport } from '../../sandbox/justice';

/** What the tracking route answers for one document (the fields these tests read). */
interface Tracked { id: string; post: string; pliId: string; status: string; certificate: { id: string; kind: string } | null; ministry: { acks: Array<{ step: string }> } }

jest.setTimeout(120_000);

let f: AgenciesFixture;
let lot: PublishReport;
const STATUS_ORDER = ['RECU_POSTE', 'DESTINATAIRE_CONVOQUE', 'SIGNIFIE', 'NON_SIGNIFIE', 'RETOURNE'];

beforeAll(async () => {
  f = await startAgenciesFixture({ schedules: { justiceLots: '* * * * * *' } });
});
afterAll(async () => { await f?.dispose(); });

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const justice = () => f.agencies.justice;
const statusesAtMinistry = (idPli: string) => justice().register.plis[idPli]?.statuses.map((s) => s.statut) ?? [];

async function tracked(post: string, idPli: string): Promise<Tracked> {
  const agent = await f.token('agent', { post });
  const res = await f.api('GET', `/api/v1/judicial-documents?pliId=${encodeURIComponent(idPli)}`, { token: agent });
  expect(res.status).toBe(200);
  return (res.body as { items: Tracked[] }).items[0];
}

async function waitStatus(post: string, idPli: string, status: string): Promise<Tracked> {
  return until(`${idPli} ${status}`, async () => { const d = await tracked(post, idPli); return d?.status === status ? d : undefined; });
}

describe('judicial documents with the Justice sandbox', () => {
  it('takes a lot in: one request per accepted pli at the post of the address, and an AccuseLot the Ministry reads', async () => {
    lot = await justice().publishLot(12);
    const ack = await until('the acknowledgement', async () => (await justice().readAcknowledgements()).find((a) => a.lotId === lot.lotId));
    expect(ack.problems).toEqual([]);
    // What a careful hub answers, pli by pli (the sandbox knows what it published): accepted and HORS_CIRCONSCRIPTION among them.
    expect(ack.plis.map((p) => (p.outcome === 'Accepte' ? 'Accepte' : p.motif))).toEqual(lot.plis.map((p) => p.expected));
    expect(ack.plis.some((p) => p.motif === 'HORS_CIRCONSCRIPTION')).toBe(true);
    for (const pli of lot.plis.filter((p) => p.expected === 'Accepte').slice(0, 3)) {
      const doc = await until(`request of ${pli.idPli}`, () => tracked(pli.post as string, pli.idPli));
      expect(doc).toMatchObject({ pliId: pli.idPli, post: pli.post });
    }
    const outside = lot.plis.find((p) => p.expected === 'HORS_CIRCONSCRIPTION');
    expect(await f.hub.broker.call('requests.findByData', { service: 'judicial-documents', field: 'pliId', value: outside?.idPli })).toEqual([]);
  });

  it('serves a document: summons, service recorded, certificate and statuses reach the Ministry in order, pli returned', async () => {
    const amina = lot.plis[0];
    expect(amina.post).toBe('CG-PARIS');
    const agent = await f.token('agent', { post: 'CG-PARIS' });
    const received = await waitStatus('CG-PARIS', amina.idPli, 'in-review');
    expect(statusesAtMinistry(amina.idPli)).toEqual(['RECU_POSTE']);
    expect((await f.api('GET', `/api/v1/requests/${received.id}`, { token: agent })).body).toMatchObject({ documents: [expect.objectContaining({ kind: 'judicial-act' })] });

    expect((await f.api('POST', `/api/v1/requests/${received.id}/actions/summon`, { token: agent, body: { data: { appointmentAt: '2026-12-01T09:00:00Z' } } })).status).toBe(200);
    await waitStatus('CG-PARIS', amina.idPli, 'awaiting-appointment');

    const bad = await f.api('POST', `/api/v1/requests/${received.id}/actions/record-service`, { token: agent, body: { data: { result: 'served-simple-delivery', place: 'Consulat' } } });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual(expect.arrayContaining(['/data/servedOn', '/data/deliveredTo']));

    const served = await f.api('POST', `/api/v1/requests/${received.id}/actions/record-service`, { token: agent,
      body: { data: { result: 'served-simple-delivery', servedOn: '2026-12-01', place: 'Consulat général à Paris', deliveredTo: { name: 'Amina EL FASSI', capacity: 'addressee' } } } });
    expect(served.status).toBe(200);
    const ready = await waitStatus('CG-PARIS', amina.idPli, 'ready-for-decision');
    expect(justice().register.plis[amina.idPli].attestations).toEqual([expect.objectContaining({ resultat: 'SIGNIFIE_REMISE_SIMPLE' })]);
    expect(ready.certificate).toMatchObject({ kind: 'service-certificate' });
    const pdf = await f.api('GET', `/api/v1/requests/${received.id}/documents/${ready.certificate?.id}`, { token: agent });
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    expect((await f.api('POST', `/api/v1/requests/${received.id}/actions/complete`, { token: agent })).status).toBe(200);
    const done = await waitStatus('CG-PARIS', amina.idPli, 'completed');
    expect(statusesAtMinistry(amina.idPli)).toEqual(['RECU_POSTE', 'DESTINATAIRE_CONVOQUE', 'SIGNIFIE', 'RETOURNE']);
    expect(done.ministry.acks.map((a) => a.step)).toEqual(['received-at-post', 'addressee-summoned', 'served', 'certificate', 'returned']);
    // The other post's agent does not see it.
    const other = await f.api('GET', `/api/v1/judicial-documents?pliId=${amina.idPli}`, { token: await f.token('agent', { post: 'CG-MADRID' }) });
    expect(other.body).toEqual({ items: [] });
  });

  it('a lot delivered again does nothing; a lot without its marker waits for it', async () => {
    const before = justice().register.messages;
    const countBefore = Object.keys(before).length;
    justice().faults.set({ redeliverLot: 1 });
    const again = await justice().publishLot(1);
    expect(again).toMatchObject({ lotId: lot.lotId, redelivered: true });
    justice().faults.set({ incompleteLot: 1 });
    const waiting = await justice().publishLot(2);
    expect(waiting.complete).toBe(false);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await justice().readAcknowledgements()).toEqual([]);
    expect(Object.keys(justice().register.messages).length).toBe(countBefore);
    await justice().completeLot(waiting.lotId);
    const ack = await until('the acknowledgement of the completed lot', async () => (await justice().readAcknowledgements()).find((a) => a.lotId === waiting.lotId));
    expect(ack.problems).toEqual([]);
  });

  it('the Ministry INDISPONIBLE, then down past the retries, and a hub restart between two statuses: statuses still arrive in order', async () => {
    const youssef = lot.plis[1];
    expect(youssef.post).toBe('CG-BRUXELLES');
    const received = await waitStatus('CG-BRUXELLES', youssef.idPli, 'in-review');
    justice().faults.set({ unavailableFault: 2 });
    const agent = await f.token('agent', { post: 'CG-BRUXELLES' });
    expect((await f.api('POST', `/api/v1/requests/${received.id}/actions/summon`, { token: agent })).status).toBe(200);
    await waitStatus('CG-BRUXELLES', youssef.idPli, 'awaiting-appointment');

    justice().faults.set({ unavailableFault: 'always' });
    expect((await f.api('POST', `/api/v1/requests/${received.id}/actions/record-service`, { token: agent,
      body: { data: { result: 'not-served', notServedReason: 'moved', facts: 'Parti sans laisser d\'adresse' } } })).status).toBe(200);
    const dead = await until('the status in dead letters', async () => {
      const rows = await f.hub.database.knex('outbox').where({ request_id: received.id, operation: 'pli.status', status: 'dead' });
      return rows[0] as { id: string } | undefined;
    });
    await f.restartHub();
    justice().faults.reset();
    expect(await replayDeadLetter(f.hub.database.knex, dead.id, 'engineer-1')).toBe(true);
    f.hub.relay.poke();
    await waitStatus('CG-BRUXELLES', youssef.idPli, 'ready-for-decision');
    const statuses = statusesAtMinistry(youssef.idPli);
    expect(statuses).toEqual(['RECU_POSTE', 'DESTINATAIRE_CONVOQUE', 'NON_SIGNIFIE']);
    expect([...statuses].sort((a, b) => STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b))).toEqual(statuses);
    expect(justice().register.plis[youssef.idPli].attestations).toEqual([expect.objectContaining({ resultat: 'NON_SIGNIFIE' })]);
  });
});
