/**
 * The Health binding on the xml-http connector against the Health sandbox: real sockets, HTTPS, the
 * API key, the agency's own XSD copy on the other side, and its bad days.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHubError, type HubError } from '../../../broker/errors';
import { startHealthSandbox, type HealthSandbox } from '../../../sandbox/health';
import type { Connector } from '../../_kit/contract';
import { closeAll, createConnectors } from '../../registry';
import { XmlHttpConnector, xmlHttpConnectorFactory, type XmlAnswerBody } from '../../xml-http';
import { clearanceMessage, clearancePayload } from '../../xml-http/testing/health-fixtures';
import { loadPartnerBindings, resolvePartnerConfig } from '../bindings';

let sandbox: HealthSandbox;
const opened: Map<string, Connector>[] = [];

beforeAll(async () => { sandbox = await startHealthSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'health-xml-http-')) }); });
afterAll(async () => { await sandbox.close(); });
beforeEach(() => { sandbox.reset(); });
afterEach(async () => { await Promise.all(opened.splice(0).map((map) => closeAll(map))); });

/** The Health connector as the hub builds it: binding + hub settings, validated by the registry. */
async function healthConnector(overrides: Record<string, unknown> = {}): Promise<XmlHttpConnector> {
  const binding = (await loadPartnerBindings()).get('health');
  if (!binding) throw new Error('no health binding');
  const hubSettings = { baseUrl: sandbox.url, tls: { caPath: sandbox.pki.caCertPath }, credentials: { apiKey: sandbox.apiKey }, timeoutMs: 2000, ...overrides };
  const map = createConnectors({ health: resolvePartnerConfig(binding, hubSettings) }, [xmlHttpConnectorFactory]);
  opened.push(map);
  const connector = map.get('health');
  if (!(connector instanceof XmlHttpConnector)) throw new Error('no health connector');
  await connector.connect();
  return connector;
}

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try { await promise; } catch (error) { if (isHubError(error)) return error; throw error; }
  throw new Error('expected the call to fail');
}

const PERSONAL = ['ALAOUI', 'Khadija', '1948-02-20', 'SC-MAD-0042'];

describe('Health clearance.request over xml-http', () => {
  it('sends a valid document and hands back the Accuse (202, then 200 for the same message id)', async () => {
    const health = await healthConnector();
    const message = clearanceMessage();
    const answer = await health.send(message);
    expect(answer.status).toBe(202);
    const body = answer.body as XmlAnswerBody;
    expect(body.root).toBe('Accuse');
    expect(body.content).toEqual({ Numero: expect.stringMatching(/^SAN-\d{4}-\d{6}$/), RecuLe: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/) });
    expect(answer.endpoint).toBe(`POST ${sandbox.url}/sante/rapatriement/demandes`);
    const again = await health.send(message);
    expect([again.status, (again.body as XmlAnswerBody).content]).toEqual([200, body.content]);
    expect(sandbox.received.entries().map((e) => [e.messageId, e.caseReference, e.status])).toEqual([
      [message.messageId, message.caseReference, 202], [message.messageId, message.caseReference, 200],
    ]);
    // The sandbox decided by its rules (an ordinary cause: granted).
    expect(sandbox.register.decisions().map((d) => [d.referenceDossier, d.statut])).toEqual([['RAP-MAD-2026-000007', 'ACCORDEE']]);
  });

  it('refuses an invalid document before sending, naming the field and not its value', async () => {
    const health = await healthConnector();
    const payload = clearancePayload();
    (payload.Defunt as Record<string, unknown>).DateNaissance = '1948-02-30';
    const error = await failureOf(health.send(clearanceMessage(payload)));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.errors).toEqual([{ path: '/Defunt/DateNaissance', message: expect.any(String) }]);
    expect(error.message).toContain('/Defunt/DateNaissance');
    expect(error.message).not.toContain('1948-02-30');
    const misplaced = clearancePayload();
    (misplaced.Cercueil as Record<string, unknown>).Couleur = 'noir';
    expect((await failureOf(health.send(clearanceMessage(misplaced)))).errors?.[0].path).toBe('/Cercueil/Couleur');
    const huge = clearancePayload();
    (huge.Cercueil as Record<string, unknown>).Scelle = 'S'.repeat(300_000);
    expect((await failureOf(health.send(clearanceMessage(huge)))).message).toContain('more than the 262144 allowed');
    expect(sandbox.received.entries()).toHaveLength(0);
  });

  it("hands the Ministry's 400 back as an answer (the binding's refusal.asAnswer): the fields it names, never its wording", async () => {
    const health = await healthConnector();
    const payload = clearancePayload();
    payload.Pieces = [{ Type: 'CERTIFICAT_DECES', Empreinte: 'a'.repeat(64) }];
    const answer = await health.send(clearanceMessage(payload));
    expect([answer.status, answer.body]).toEqual([400, { root: 'Erreurs', fields: ['Pieces'] }]);
  });

  it("without refusal.asAnswer, reports the Ministry's 400 as PARTNER_REJECTED with the fields it names", async () => {
    const health = await healthConnector({ operations: { 'clearance.request': { refusal: { asAnswer: false } } } });
    const payload = clearancePayload();
    payload.Pieces = [{ Type: 'CERTIFICAT_DECES', Empreinte: 'a'.repeat(64) }];
    const error = await failureOf(health.send(clearanceMessage(payload)));
    expect([error.code, error.retryable, error.errors]).toEqual(['PARTNER_REJECTED', false, [{ path: 'Pieces', message: 'refused by the partner' }]]);
  });

  it('refuses an answer that breaks the schema, a malformed one and one with a DOCTYPE (XXE) as PARTNER_BAD_RESPONSE', async () => {
    const health = await healthConnector();
    for (const fault of ['schemaViolation', 'malformedXml', 'doctype'] as const) {
      sandbox.faults.set({ [fault]: 1 });
      const message = clearanceMessage();
      const error = await failureOf(health.send(message));
      expect([fault, error.code, error.retryable]).toEqual([fault, 'PARTNER_BAD_RESPONSE', false]);
      for (const value of [...PERSONAL, message.messageId]) expect(error.message).not.toContain(value);
    }
    const schema = (sandbox.faults.set({ schemaViolation: 1 }), await failureOf(health.send(clearanceMessage())));
    expect(schema.errors?.[0]).toEqual({ path: 'Inattendu', message: expect.stringContaining('not expected') });
    expect((sandbox.faults.set({ doctype: 1 }), await failureOf(health.send(clearanceMessage()))).message).toContain('DOCTYPE');
  });

  it('classifies 503 as PARTNER_UNAVAILABLE and opens the circuit after the threshold', async () => {
    const health = await healthConnector({ breaker: { failureThreshold: 2, resetTimeoutMs: 60000 } });
    sandbox.faults.set({ fail503: 'always' });
    expect((await failureOf(health.send(clearanceMessage()))).code).toBe('PARTNER_UNAVAILABLE');
    expect((await failureOf(health.send(clearanceMessage()))).code).toBe('PARTNER_UNAVAILABLE');
    expect((await failureOf(health.send(clearanceMessage()))).code).toBe('PARTNER_CIRCUIT_OPEN');
    expect(sandbox.received.entries()).toHaveLength(2);
  });

  it('refuses to be sent without the right API key by the Ministry (401 is PARTNER_REJECTED)', async () => {
    const health = await healthConnector({ credentials: { apiKey: 'not-the-key' } });
    const error = await failureOf(health.send(clearanceMessage()));
    expect([error.code, error.message.includes('not-the-key')]).toEqual(['PARTNER_REJECTED', false]);
  });
});

describe('Health decisions.read over xml-http', () => {
  it('reads a feed page, Arabic character references decoded, each entry validated on its own', async () => {
    const health = await healthConnector();
    sandbox.register.publish({ referenceDossier: 'RAP-1', statut: 'REFUSEE', motif: 'مرض معد', decidedAt: new Date('2026-11-20T09:00:00Z') });
    sandbox.register.publish({ referenceDossier: 'RAP-2', statut: 'ACCORDEE', decidedAt: new Date('2026-11-20T09:05:00Z') });
    sandbox.faults.set({ malformedEntry: 1 });
    const page = await health.read('decisions.read', { depuis: '2026-11-20T00:00:00Z', page: '1' });
    expect(page.root).toBe('Decisions');
    expect(page.content).toEqual({ '@page': '1', '@pages': '1' });
    expect(page.items.map((i) => [i.content.Numero, i.errors.length])).toEqual([['DEC-000001', 0], ['DEC-000001-X', 1], ['DEC-000002', 0]]);
    expect(page.items[1].errors[0].path).toBe('Statut');
    expect(page.items[0].content).toMatchObject({ Motif: 'مرض معد', DecideLe: '2026-11-20T10:00:00' });
    expect(sandbox.received.entries()[0].queryKeys).toEqual(['depuis', 'page']);
  });

  it('refuses a whole page with a DOCTYPE', async () => {
    const health = await healthConnector();
    sandbox.register.publish({ referenceDossier: 'RAP-1', statut: 'ACCORDEE' });
    sandbox.faults.set({ doctype: 1 });
    expect((await failureOf(health.read('decisions.read', { depuis: '2026-01-01T00:00:00Z', page: '1' }))).code).toBe('PARTNER_BAD_RESPONSE');
  });
});
