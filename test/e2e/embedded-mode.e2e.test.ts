import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbedded, type EmbeddedHub } from '../../app/embedded';
import { loadConfig } from '../../config/load';
import { eventually } from '../support/hub-fixture';
import { createHash, randomUUID } from 'node:crypto';
import { DEFAULT_INTERIOR_CREDENTIALS } from '../../sandbox';
import { soapConfigSchema, SoapConnector, type SoapConnectorConfig } from '../../connectors/soap';
import { validateConnectorConfig } from '../../connectors/_kit/contract';
import { loadPartnerBindings, resolvePartnerConfig } from '../../connectors/partners/bindings';

/**
 * `npm start` as a bare machine runs it: embedded PGlite, the sandbox agencies on loopback, the run file for the CLI,
 * and the DGSN sandbox's signed events reaching the hub's inbox and ledger once.
 */
describe('embedded mode with the sandbox agencies', () => {
  let dataDir: string;
  let running: EmbeddedHub;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-embedded-'));
    const config = loadConfig({ port: 0, dataDir, logLevel: 'warn', sandbox: { enabled: true, narsaPort: 0, narsaControlPort: 0, dgsnPort: 0, dgsnControlPort: 0, narsaSftpPort: 0, narsaSftpControlPort: 0, healthPort: 0, healthControlPort: 0, interiorPort: 0, interiorControlPort: 0, justicePort: 0, justiceSftpPort: 0, justiceControlPort: 0 } }, {});
    running = await startEmbedded(config);
  });
  afterAll(async () => {
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the run file the CLI uses to find the portal and every sandbox agency', () => {
    const run = JSON.parse(readFileSync(path.join(dataDir, 'run', 'hub.json'), 'utf8')) as { portal: string; embeddedDatabase: boolean; sandbox: Record<string, { control: string }> };
    expect(run).toMatchObject({ portal: running.hub.url, embeddedDatabase: true });
    expect(Object.keys(run.sandbox).sort()).toEqual(['dgsn', 'health', 'interior', 'justice', 'narsa', 'narsa-sftp']);
  });

  it('reaches every sandbox partner: NARSA over mutual TLS, DGSN with OAuth2, NARSA batches over SFTP with a pinned host key, Health over XML', async () => {
    const ready = await running.hub.broker.call('hub.ready') as { ready: boolean; checks: { partners: Record<string, { ok: boolean; detail: string }> } };
    expect(ready.ready).toBe(true);
    expect(Object.keys(ready.checks.partners).sort()).toEqual(['dgsn', 'health', 'interior', 'justice', 'justice-batch', 'narsa', 'narsa-batch']);
    for (const [partner, health] of Object.entries(ready.checks.partners)) expect([partner, health.ok]).toEqual([partner, true]);
  });

  it('stores a signed DGSN event once in the inbox and the ledger, even when DGSN delivers it twice', async () => {
    const dgsn = running.sandboxes!.dgsn;
    dgsn.faults.set({ webhookReplay: 1 });
    const event = dgsn.webhooks.emit({ type: 'TRANSPORT_CLEARANCE', transportId: 'T-1', caseReference: 'REM-MAD-2026-000001', outcome: 'CLEARED', at: new Date().toISOString() });
    const rows = await eventually(async () => {
      const r = await running.hub.database.knex('inbox').where({ partner: 'dgsn', message_id: `event:${event.eventId}` });
      return r.length ? r : undefined;
    });
    await eventually(async () => (dgsn.webhooks.deliveries.filter((d) => d.eventId === event.eventId).length >= 2 ? true : undefined));
    expect(await running.hub.database.knex('inbox').where({ partner: 'dgsn', message_id: `event:${event.eventId}` })).toHaveLength(1);
    expect(rows).toHaveLength(1);
    const ledger = await running.hub.database.knex('exchange_ledger').where({ partner: 'dgsn', message_id: event.eventId });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ direction: 'in', outcome: 'received', case_reference: 'REM-MAD-2026-000001' });
  });

  it('stores an Interior decision callback once in the inbox and the ledger, before the Ack, even sent twice', async () => {
    const interior = running.sandboxes!.interior;
    interior.faults.set({ duplicateCallbacks: true, callbackBeforeAck: true });
    const binding = (await loadPartnerBindings()).get('interior')!;
    const { protocol: _protocol, ...settings } = resolvePartnerConfig(binding, { url: interior.url, credentials: DEFAULT_INTERIOR_CREDENTIALS.hub, tls: { caPath: interior.pki.caCertPath } });
    const connector = new SoapConnector(validateConnectorConfig<SoapConnectorConfig>(soapConfigSchema, settings, 'partners.interior.soap'), { partner: 'interior' });
    await connector.connect();
    try {
      const pdf = Buffer.from('%PDF demo death act');
      const ack = await connector.send({
        messageId: randomUUID(), caseReference: 'REM-MAD-2026-000002', partner: 'interior', operation: 'burial.submit',
        payload: {
          caseReference: 'REM-MAD-2026-000002',
          deceased: { familyNameLatin: 'ALAOUI', givenNamesLatin: 'Khadija', familyNameArabic: 'العلوي', givenNamesArabic: 'خديجة', cnie: 'CD555111', birthDate: '20/02/1948', birthPlace: 'Fès' },
          death: { date: '20/11/2026', country: 'ESP', city: 'Madrid', causeSealed: false },
          burial: { communeCode: '351041', familyContact: { name: 'Hassan ALAOUI', phone: '+212600000001' } },
          arrival: { expectedAt: '24/11/2026 14:30', borderPost: 'FEZ' },
          funeralOperator: { name: 'PF Madrid', country: 'ESP' },
          attachments: [{ kind: 'DEATH_ACT', sha256: createHash('sha256').update(pdf).digest('hex'), mediaType: 'application/pdf', content: pdf.toString('base64') }],
        },
      });
      const ticket = (ack.body as { ticket: string }).ticket;
      // The callback overtook the Ack, twice: by now it is stored, once, with its ledger entry.
      const sent = interior.callbacks.find((c) => c.ticket === ticket)!;
      expect(sent).toMatchObject({ attempts: 2, acknowledged: 2 });
      const rows = await running.hub.database.knex('inbox').where({ partner: 'interior', message_id: `callback:${sent.id}` });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ operation: 'callback.NotifyBurialAuthorisationDecision', case_reference: 'REM-MAD-2026-000002' });
      const ledger = await running.hub.database.knex('exchange_ledger').where({ partner: 'interior', message_id: sent.id });
      expect(ledger).toHaveLength(1);
      expect(ledger[0]).toMatchObject({ direction: 'in', outcome: 'received' });
    } finally {
      await connector.close();
    }
  });
});
