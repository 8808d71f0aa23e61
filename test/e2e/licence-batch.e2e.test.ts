import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { mappingSetOnce, sendAttestationNotices } from '../../app/narsa-batches';
import { narsaDay } from '../../app/narsa-batches/calendar';
import { loadPartnerBindings, resolvePartnerConfig } from '../../connectors/partners/bindings';
import { createConnectors } from '../../connectors/registry';
import { sftpConnectorFactory, SftpConnector } from '../../connectors/sftp';
import type { ConnectorFactory } from '../../connectors/_kit/contract';
import { startAgenciesFixture, type AgenciesFixture } from '../support/agencies-fixture';
import { amina, licenceRequest, youssef, type DemoPerson } from '../support/demo';
import { eventually } from '../support/hub-fixture';

type View = {
  id: string; reference: string; status: string; results: Record<string, { outcome?: string; licenceNumber?: string }>;
  history: Array<{ status: string; actor: string; note?: string }>;
  exchanges: Array<{ partner: string; operation: string; direction: string; status: string; lastError?: string }>;
  documents: Array<{ id: string; kind: string; href: string }>;
};

/**
 * NARSA's night batch end to end: the hub's scheduled jobs (every second here) write the VERIF file per post into the
 * sandbox's /depot and read the RESULT files back; the sandbox's night run is triggered by the test (its 02:00).
 */
describe('licence authentication through NARSA\'s night batch (SFTP), end to end', () => {
  let f: AgenciesFixture;
  let citizen: string;
  const agents: Record<string, string> = {};
  let key = 0;

  beforeAll(async () => {
    f = await startAgenciesFixture({
      // The night file and the results every second; the ATTEST notice is sent by the test with tomorrow's clock.
      schedules: { narsaVerificationFile: '* * * * * *', narsaResults: '* * * * * *', narsaAttestationNotice: '0 0 1 1 *' },
    });
    citizen = await f.token('citizen', { sub: 'amina' });
    for (const post of ['CG-PARIS', 'CG-BRUXELLES']) agents[post] = await f.token('agent', { sub: `agent-${post}`, post });
  }, 60_000);
  afterAll(async () => { await f?.dispose(); });

  const depot = (): string => path.join(f.agencies.narsaSftp.root, 'depot');
  const verifFiles = (post: string): string[] => (existsSync(depot()) ? readdirSync(depot()) : []).filter((n) => n.startsWith(`VERIF_${post}_`) && n.endsWith('.xml')).sort();
  const view = async (id: string, post = 'CG-PARIS'): Promise<View> => (await f.api('GET', `/api/v1/requests/${id}`, { token: agents[post] })).body as View;
  const waitFor = (id: string, status: string, post = 'CG-PARIS'): Promise<View> => eventually(async () => {
    const v = await view(id, post);
    return v.status === status ? v : undefined;
  }, 20_000);
  const submit = async (person: DemoPerson, post: string, urgency?: 'standard' | 'urgent'): Promise<{ id: string; reference: string }> => {
    const body = licenceRequest(person, post);
    const res = await f.api('POST', '/api/v1/requests', { token: citizen, headers: { 'idempotency-key': `batch-${++key}` },
      body: { ...body, data: { ...body.data, ...(urgency ? { urgency } : {}) } } });
    expect(res.status).toBe(201);
    return res.body as { id: string; reference: string };
  };
  /** The VERIF file holding a request id, once the hub has put it in place with its .sha256. */
  const fileHolding = (post: string, requestId: string): Promise<string> => eventually(async () => verifFiles(post).find((n) =>
    existsSync(path.join(depot(), `${n}.sha256`)) && readFileSync(path.join(depot(), n), 'utf8').includes(`<RequestId>${requestId}</RequestId>`)), 20_000);
  const inbox = (operation: string) => f.hub.database.knex('inbox').where({ partner: 'narsa-batch', operation }).orderBy('id');

  let first: { id: string; reference: string };
  let firstFile: string;

  it('puts standard requests in the post\'s night file, only what NARSA needs, and moves them on from the results', async () => {
    first = await submit({ ...amina, applicant: { ...amina.applicant, familyNameAr: 'الفاسي' } }, 'CG-PARIS', 'standard');
    const submitted = await view(first.id);
    expect(submitted.status).toBe('awaiting-partners');
    expect(submitted.history.at(-1)?.note).toMatch(/night batch/);
    // Nothing goes out in real time for a standard request.
    expect(submitted.exchanges.filter((e) => e.partner === 'narsa')).toEqual([]);

    firstFile = await fileHolding('CG-PARIS', first.id);
    expect(firstFile).toMatch(new RegExp(`^VERIF_CG-PARIS_${narsaDay(new Date()).replace(/-/g, '')}_\\d{3}\\.xml$`));
    const xml = readFileSync(path.join(depot(), firstFile), 'utf8');
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => n === 'Request' }).parse(xml);
    expect(doc.LicenceVerificationBatch['@xmlns']).toBe('urn:ma:narsa:licence:1');
    expect(doc.LicenceVerificationBatch['@count']).toBe(String(doc.LicenceVerificationBatch.Request.length));
    const request = doc.LicenceVerificationBatch.Request.find((r: { RequestId: string }) => r.RequestId === first.id);
    expect(request).toEqual({ '@seq': expect.stringMatching(/^\d+$/), RequestId: first.id, LicenceNumber: '12/345678',
      Holder: { Cnie: 'BK123456', LastName: 'EL FASSI', FirstName: 'Amina', LastNameAr: 'الفاسي', BirthDate: '1990-04-12' } });
    // NARSA never receives the applicant's contact details, the purpose or the destination.
    for (const notNeeded of ['amina@example.org', 'licence-exchange', 'FRA', 'standard']) expect(xml).not.toContain(notNeeded);
    // Uploaded under a temporary name, renamed, then its .sha256.
    const events = f.agencies.narsaSftp.events.map((e) => `${e.op} ${e.path}`).join('\n');
    expect(events).toMatch(new RegExp(`rename /depot/\\.${firstFile.replace(/\./g, '\\.')}\\.[0-9a-f]+\\.part`));

    const night = await f.agencies.narsaSftp.runNight();
    expect(night.answered).toContain(firstFile);
    const ready = await waitFor(first.id, 'ready-for-decision');
    expect(ready.history.at(-1)).toMatchObject({ status: 'ready-for-decision', actor: 'narsa', note: 'NARSA: licence valid' });
    expect(ready.results.licenceVerification).toMatchObject({ outcome: 'valid', licenceNumber: '12/345678' });
    expect(ready.exchanges).toEqual(expect.arrayContaining([expect.objectContaining({ partner: 'narsa-batch', operation: 'licence.bulk-verify', direction: 'in', status: 'processed' })]));

    const issued = await f.api('POST', `/api/v1/requests/${first.id}/actions/issue`, { token: agents['CG-PARIS'], body: {} });
    expect(issued.status).toBe(200);
    expect((issued.body as View).status).toBe('completed');
  });

  it('sends the day\'s ATTEST notice once, as the contract spells it', async () => {
    const binding = (await loadPartnerBindings()).get('narsa-batch')!;
    const sftp = createConnectors({ 'narsa-batch': resolvePartnerConfig(binding, f.hub.config.partners['narsa-batch'].sftp as Record<string, unknown>) },
      [sftpConnectorFactory as ConnectorFactory]).get('narsa-batch') as SftpConnector;
    await sftp.connect();
    try {
      const tomorrow = () => new Date(Date.now() + 24 * 3600_000);
      const deps = { db: f.hub.database.knex, sftp, mappings: mappingSetOnce, now: tomorrow };
      const today = narsaDay(new Date());
      const sent = await sendAttestationNotices(deps);
      expect(sent.sent).toEqual([{ day: today, file: `ATTEST_${today.replace(/-/g, '')}.csv`, rows: 1 }]);
      const csv = readFileSync(path.join(depot(), sent.sent[0].file));
      expect(csv.toString('utf8')).toBe(`\uFEFFnumero_attestation;numero_permis;cnie;pays_destination;date_emission\r\nATT-${first.reference};12/345678;BK123456;FRA;${today}\r\n`);
      const night = await f.agencies.narsaSftp.runNight();
      expect(night.attestations).toEqual([{ file: sent.sent[0].file, rows: 1, problems: [] }]);
      // Not twice for the same day.
      expect((await sendAttestationNotices(deps)).sent).toEqual([]);
    } finally {
      await sftp.close();
    }
  });

  it('changes nothing when NARSA writes the same result file again with a new time stamp', async () => {
    const processedBefore = await f.hub.database.knex('sftp_processed_files').where('partner', 'narsa-batch').select('digest', 'file_name');
    const inboxBefore = await inbox('licence.bulk-verify');
    const historyBefore = (await view(first.id)).history;
    f.agencies.narsaSftp.faults.set({ redeliverResults: true });
    const night = await f.agencies.narsaSftp.runNight();
    expect(night.redelivered).toContain(`RESULT_${firstFile}`);
    // Wait for the results job to look at /retour twice more after the re-delivery (it reads each .sha256 per run).
    const mark = f.agencies.narsaSftp.events.length;
    await eventually(async () => (f.agencies.narsaSftp.events.slice(mark).filter((e) => e.path === `/retour/RESULT_${firstFile}.sha256`).length >= 2 ? true : undefined), 20_000);
    expect(await f.hub.database.knex('sftp_processed_files').where('partner', 'narsa-batch').select('digest', 'file_name')).toEqual(processedBefore);
    expect((await inbox('licence.bulk-verify')).length).toBe(inboxBefore.length);
    expect((await view(first.id)).history).toEqual(historyBefore);
  });

  it('quarantines a malformed result and one for a request nobody sent, and applies the rest of the file', async () => {
    const y = await submit(youssef, 'CG-BRUXELLES', 'standard');
    const file = await fileHolding('CG-BRUXELLES', y.id);
    f.agencies.narsaSftp.faults.set({ malformedResult: 1, unknownRequestId: 1 });
    const night = await f.agencies.narsaSftp.runNight();
    expect(night.answered).toContain(file);
    const rejected = await waitFor(y.id, 'rejected', 'CG-BRUXELLES');
    expect(rejected.history.at(-1)).toMatchObject({ actor: 'narsa', note: expect.stringMatching(/suspended/) });
    const quarantined = await eventually(async () => {
      const rows = await f.hub.database.knex('inbox').where({ partner: 'narsa-batch', operation: 'licence.bulk-verify.quarantined' }).select('status', 'error', 'payload');
      return rows.length >= 2 ? rows : undefined;
    });
    expect(quarantined.map((r) => r.status)).toEqual(['quarantined', 'quarantined']);
    expect(quarantined.map((r) => r.error).sort()).toEqual(['RequestId is missing', 'RequestId is not a request the hub sent in a VERIF file']);
    // The malformed record is kept as NARSA wrote it, for an engineer.
    const raw = quarantined.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload)).find((p) => p.raw);
    expect(raw.raw).toContain('PEUT-ETRE');
  });

  it('falls back to the night batch for urgent requests while NARSA REST is down beyond its circuit', async () => {
    f.agencies.narsa.faults.set({ fail503: 'always' });
    // Two urgent requests: the first exhausts its attempts (dead letter), the second's failure opens the circuit.
    const a = await submit(amina, 'CG-PARIS');
    const b = await submit(amina, 'CG-PARIS', 'urgent');
    await eventually(async () => {
      const ready = (await f.api('GET', '/ready')).body as { checks?: { partners?: Record<string, { circuit?: string }> } };
      return ready.checks?.partners?.narsa?.circuit === 'open' ? true : undefined;
    }, 20_000);
    const [fa, fb] = [await fileHolding('CG-PARIS', a.id), await fileHolding('CG-PARIS', b.id)];
    for (const id of [a.id, b.id]) {
      const v = await view(id);
      expect(v.status).toBe('awaiting-partners');
      expect(v.history.some((h) => /moves to the NARSA night batch/.test(h.note ?? ''))).toBe(true);
    }
    // A real-time message still waiting was withdrawn: NARSA is never asked both ways.
    const outbox = await f.hub.database.knex('outbox').whereIn('request_id', [a.id, b.id]).select('request_id', 'status');
    expect(outbox.every((o) => o.status === 'dead' || o.status === 'superseded')).toBe(true);
    const night = await f.agencies.narsaSftp.runNight();
    expect(night.answered).toEqual(expect.arrayContaining([...new Set([fa, fb])]));
    for (const id of [a.id, b.id]) expect((await waitFor(id, 'ready-for-decision')).results.licenceVerification).toMatchObject({ outcome: 'valid' });
  });
});
