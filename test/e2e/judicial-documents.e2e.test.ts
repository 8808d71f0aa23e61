/**
 * Judicial documents end to end: the Justice sandbox publishes lots on its SFTP server; the hub takes them in on its
 * schedule (every second here), opens one request per accepted pli at the post of the address, answers the lot with
 * an AccuseLot the Ministry reads; the agent summons, records the service, returns the pli; every status and the
 * certificate reach the Ministry's SOAP service in the order they happened. Bad days: a lot delivered again, a lot
 * without its marker, the Ministry INDISPONIBLE for a while and then down past the retries (dead letter, replay),
 * a hub restart between two statuses; lots with a bad digest, a missing piece, an invalid entry, a manifest that is not
 * well-formed; an Ack lost on the way back.
 */
import { createHash } from 'node:crypto';
import { replayDeadLetter } from '../../broker/outbox/outbox-store';
import { startAgenciesFixture, type AgenciesFixture } from '../support/agencies-fixture';
import type { AckReport, PublishReport } from '../../sandbox/justice';

/** What the tracking route answers for one document (the fields these tests read). */
interface Tracked { id: string; post: string; pliId: string; status: string; certificate: { id: string; kind: string } | null; ministry: { acks: Array<{ step: string; messageId?: string; receivedAt?: string }> } }

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
    // Each Ack as justice/ack.in maps it: the Ministry's time of reception, in canonical UTC.
    const atMinistry = justice().register.plis[amina.idPli];
    const [recu, convoque, signifie, retourne] = atMinistry.statuses.map((s) => s.receivedAt);
    expect(done.ministry.acks.map((a) => a.receivedAt)).toEqual([recu, convoque, signifie, atMinistry.attestations[0].receivedAt, retourne].map((t) => new Date(t).toISOString()));
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

describe('the Ministry\'s bad days', () => {
  const outcomes = (ack: AckReport) => ack.plis.map((p) => (p.outcome === 'Accepte' ? 'Accepte' : p.motif));
  const ackOf = (lotId: string) => until(`the acknowledgement of ${lotId}`, async () => (await justice().readAcknowledgements()).find((a) => a.lotId === lotId));
  const inbox = (where: Record<string, unknown>) => f.hub.database.knex('inbox').where({ partner: 'justice-batch', ...where }).orderBy('id');
  /** No message to the Ministry waiting or in flight (a switch counted in requests then hits the one the test sends). */
  const ministryIdle = () => until('the Ministry messages delivered', async () =>
    Number((await f.hub.database.knex('outbox').where({ partner: 'justice' }).whereIn('status', ['pending', 'queued', 'in-flight']).count({ n: '*' }))[0].n) === 0);

  /** A lot broken at one pli: refused with `motif` in the AccuseLot, the others accepted and opened as requests. */
  async function oneBadPli(fault: 'badDigest' | 'missingPiece' | 'invalidEntry', motif: string, index: number): Promise<PublishReport> {
    justice().faults.set({ [fault]: 1 });
    const broken = await justice().publishLot(3);
    expect(broken.plis.map((p) => p.expected)).toEqual(broken.plis.map((p, i) => (i === index ? motif : p.expected)));
    const ack = await ackOf(broken.lotId);
    expect(ack.problems).toEqual([]);
    expect(ack.plis[index]).toMatchObject({ idPli: broken.plis[index].idPli, outcome: 'Rejete', motif });
    expect(outcomes(ack)).toEqual(broken.plis.map((p) => p.expected));
    const accepted = broken.plis.filter((p) => p.expected === 'Accepte');
    expect(accepted.length).toBeGreaterThan(0);
    for (const pli of accepted) expect(await until(`request of ${pli.idPli}`, () => tracked(pli.post as string, pli.idPli))).toMatchObject({ pliId: pli.idPli, post: pli.post });
    expect(await f.hub.broker.call('requests.findByData', { service: 'judicial-documents', field: 'pliId', value: broken.plis[index].idPli })).toEqual([]);
    return broken;
  }

  let servedLater: PublishReport;

  it('badDigest: the pli whose Empreinte does not match is refused EMPREINTE_INVALIDE, the others opened', async () => {
    servedLater = await oneBadPli('badDigest', 'EMPREINTE_INVALIDE', 0);
  });

  it('missingPiece: the pli whose file is not in the lot is refused PIECE_MANQUANTE, the others opened', async () => {
    await oneBadPli('missingPiece', 'PIECE_MANQUANTE', 2);
  });

  it('invalidEntry: the pli that does not map is refused DONNEES_INVALIDES and kept quarantined with the fields at fault', async () => {
    const broken = await oneBadPli('invalidEntry', 'DONNEES_INVALIDES', 1);
    const rows = await inbox({ case_reference: `LOT-${broken.lotId}`, operation: 'lot.pli.quarantined' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'quarantined', reply_action: null });
    expect(rows[0].payload.body.IdPli).toBe(broken.plis[1].idPli);
    // The reason names the fields (never a value from the pli: it holds personal data).
    expect(rows[0].error).toMatch(/^DONNEES_INVALIDES: /);
    expect(rows[0].error).toEqual(expect.stringContaining('/caseNumber'));
    expect(rows[0].error).toEqual(expect.stringContaining('/addressee/address/country'));
    expect(rows[0].error).not.toContain(rows[0].payload.body.Destinataire.Nom);
  });

  it('malformedManifest: the lot is kept quarantined with its reason, never acknowledged; the hub goes on with the next lot', async () => {
    justice().faults.set({ malformedManifest: 1 });
    const broken = await justice().publishLot(2);
    const kept = await until('the quarantined lot', async () => (await inbox({ case_reference: `LOT-${broken.lotId}` }))[0]);
    expect(kept).toMatchObject({ operation: 'lot.quarantined', status: 'quarantined', error: 'the manifest is not well-formed XML' });
    // The manifest as received, byte for byte: the engineer has what the Ministry sent.
    expect(createHash('sha256').update(kept.payload.body.manifest as string).digest('hex')).toBe(broken.manifestSha256);

    const next = await justice().publishLot(1);
    expect((await ackOf(next.lotId)).problems).toEqual([]);
    expect(justice().acknowledgements.some((a) => a.lotId === broken.lotId)).toBe(false);
    expect(await inbox({ case_reference: `LOT-${broken.lotId}` })).toHaveLength(1);
    expect(await f.hub.broker.call('requests.findByData', { service: 'judicial-documents', field: 'lotId', value: broken.lotId })).toEqual([]);
  });

  it('loseAnswer: the status retried with the same message id is absorbed by the Ministry, recorded once, in order', async () => {
    const pli = servedLater.plis.find((p) => p.expected === 'Accepte' && p.post) as PublishReport['plis'][number];
    const post = pli.post as string;
    const received = await waitStatus(post, pli.idPli, 'in-review');
    await ministryIdle();
    justice().faults.set({ loseAnswer: 1 });
    const agent = await f.token('agent', { post });
    expect((await f.api('POST', `/api/v1/requests/${received.id}/actions/summon`, { token: agent })).status).toBe(200);
    const summoned = await waitStatus(post, pli.idPli, 'awaiting-appointment');

    const [sent] = await f.hub.database.knex('outbox').where({ request_id: received.id, operation: 'pli.status' }).orderBy('created_at', 'desc').limit(1);
    expect(sent).toMatchObject({ status: 'delivered' });
    expect(Number(sent.attempts)).toBeGreaterThanOrEqual(2);
    // The Ministry heard the same message twice and recorded it once.
    expect(justice().register.messages[sent.id]).toMatchObject({ operation: 'NotifierStatut', idPli: pli.idPli, times: 2 });
    const statuses = justice().register.plis[pli.idPli].statuses;
    expect(statuses.map((s) => s.statut)).toEqual(['RECU_POSTE', 'DESTINATAIRE_CONVOQUE']);
    expect(statuses[1].messageId).toBe(sent.id);
    // The hub applied the Ack once, with the Ministry's time of the first reception.
    expect(summoned.ministry.acks.map((a) => a.step)).toEqual(['received-at-post', 'addressee-summoned']);
    expect(summoned.ministry.acks[1]).toMatchObject({ messageId: sent.id, receivedAt: new Date(statuses[1].receivedAt).toISOString() });
  });
});
