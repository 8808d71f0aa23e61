/**
 * The Justice binding (SOAP side) on our side of the wire: the binding's connector, created by the SOAP
 * factory with test deployment settings merged over it, against the Justice sandbox over a real socket —
 * statuses in order, a certificate of service, the contract's faults, a repeated message id.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHubError, type HubError } from '../../../broker/errors';
import { DEFAULT_JUSTICE_CREDENTIALS, startJusticeSandbox, type JusticeSandbox } from '../../../sandbox/justice';
import { validateConnectorConfig } from '../../_kit/config-validation';
import type { Connector, OutboundMessage } from '../../_kit/contract';
import { soapConnectorFactory, type SoapConnectorConfig } from '../../soap';
import { loadPartnerBindings, resolvePartnerConfig } from '../bindings';
import { generateSshKeyPair } from '../../sftp/key-pair';

jest.setTimeout(60_000);

let dataDir: string;
let sandbox: JusticeSandbox;
let plis: string[];
const opened: Connector[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'justice-soap-'));
  sandbox = await startJusticeSandbox({ dataDir, hubPublicKey: generateSshKeyPair().public });
  plis = (await sandbox.publishLot(8)).plis.map((p) => p.idPli);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  sandbox.faults.reset();
});
afterAll(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The binding as data, with what a deployment adds (url, credentials, TLS) and test overrides merged over it. */
async function connector(overrides: Record<string, unknown> = {}): Promise<Connector> {
  const binding = (await loadPartnerBindings()).get('justice');
  if (!binding) throw new Error('no justice binding');
  const { protocol, ...settings } = resolvePartnerConfig(binding, { url: sandbox.url, credentials: DEFAULT_JUSTICE_CREDENTIALS.hub, tls: { caPath: sandbox.pki.caCertPath }, ...overrides });
  expect(protocol).toBe('soap');
  const config = validateConnectorConfig<SoapConnectorConfig>(soapConnectorFactory.configSchema, settings, 'partners.justice.soap');
  const c = soapConnectorFactory.create(config, { partner: 'justice' });
  opened.push(c);
  await c.connect();
  return c;
}

const status = (idPli: string, statut: string, date: string, messageId = randomUUID()): OutboundMessage => ({
  messageId, caseReference: `JUS-PAR-2026-${idPli.slice(-3)}`, partner: 'justice', operation: 'pli.status', payload: { idPli, statut, date },
});

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (isHubError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const PDF = Buffer.from('%PDF-1.4\n% attestation de signification\n%%EOF\n');

describe('Justice binding (SOAP) with the Justice sandbox', () => {
  it('sends a pli\'s statuses in order and its certificate of service; the Ministry acks each', async () => {
    const c = await connector();
    const pli = plis[0];
    for (const [statut, date] of [['RECU_POSTE', '2026-11-27T08:00:00Z'], ['DESTINATAIRE_CONVOQUE', '2026-11-28T08:00:00Z'], ['SIGNIFIE', '2026-11-30T10:15:00Z']]) {
      const answer = await c.send(status(pli, statut, date));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/) });
    }
    const certificate: OutboundMessage = {
      messageId: randomUUID(), caseReference: 'JUS-PAR-2026-001', partner: 'justice', operation: 'pli.certificate',
      payload: {
        idPli: pli, resultat: 'SIGNIFIE_REMISE_SIMPLE', dateSignification: '2026-11-30', lieu: 'Consulat général du Royaume du Maroc à Paris',
        remisA: { nom: 'EL FASSI Amina', qualite: 'DESTINATAIRE' }, attestationPdf: PDF.toString('base64'),
      },
    };
    expect((await c.send(certificate)).status).toBe(200);
    const record = sandbox.register.plis[pli];
    expect(record.statuses.map((s) => s.statut)).toEqual(['RECU_POSTE', 'DESTINATAIRE_CONVOQUE', 'SIGNIFIE']);
    expect(record.attestations).toEqual([expect.objectContaining({ resultat: 'SIGNIFIE_REMISE_SIMPLE', messageId: certificate.messageId, pdfBytes: PDF.length })]);
    // The header carries the message id and the case reference the hub gave.
    expect(sandbox.received.byMessageId(certificate.messageId)[0]).toMatchObject({ caseReference: 'JUS-PAR-2026-001', status: 200 });
  });

  it('sends a certificate of non-service with its reason (Khadija ALAOUI, deceased)', async () => {
    const c = await connector();
    const pli = plis[5];
    await c.send(status(pli, 'NON_SIGNIFIE', '2026-11-29T11:00:00Z'));
    const certificate: OutboundMessage = {
      messageId: randomUUID(), caseReference: 'JUS-MAD-2026-006', partner: 'justice', operation: 'pli.certificate',
      payload: { idPli: pli, resultat: 'NON_SIGNIFIE', motifNonSignification: 'DECEDE', faits: 'Décès constaté le 20/11/2026.', attestationPdf: PDF.toString('base64') },
    };
    expect((await c.send(certificate)).status).toBe(200);
    expect(sandbox.register.plis[pli].attestations.map((a) => a.resultat)).toEqual(['NON_SIGNIFIE']);
    // The Ministry's own checks: a non-service certificate without its reason is refused, and not retried.
    const noReason = { ...certificate, messageId: randomUUID(), payload: { idPli: pli, resultat: 'NON_SIGNIFIE', attestationPdf: PDF.toString('base64') } };
    expect((await failureOf(c.send(noReason))).code).toBe('PARTNER_REJECTED');
  });

  it('a status older than the last one is TRANSITION_INVALIDE: rejected, not retried', async () => {
    const c = await connector();
    await c.send(status(plis[1], 'DESTINATAIRE_CONVOQUE', '2026-11-28T08:00:00Z'));
    const error = await failureOf(c.send(status(plis[1], 'RECU_POSTE', '2026-11-27T08:00:00Z')));
    expect(error.code).toBe('PARTNER_REJECTED');
    expect(error.message).toContain('TRANSITION_INVALIDE');
    expect(error.retryable).toBe(false);
  });

  it('a pli the Ministry never published is PLI_INCONNU: rejected', async () => {
    const c = await connector();
    const error = await failureOf(c.send(status('PLI-1999-0001-001', 'RECU_POSTE', '2026-11-27T08:00:00Z')));
    expect([error.code, error.message.includes('PLI_INCONNU')]).toEqual(['PARTNER_REJECTED', true]);
  });

  it('INDISPONIBLE (retryableFaults) and a 503 are PARTNER_UNAVAILABLE; a late answer is PARTNER_TIMEOUT', async () => {
    const c = await connector({ timeoutMs: 500 });
    sandbox.faults.set({ unavailableFault: 1 });
    const unavailable = await failureOf(c.send(status(plis[2], 'RECU_POSTE', '2026-11-27T08:00:00Z')));
    expect([unavailable.code, unavailable.retryable]).toEqual(['PARTNER_UNAVAILABLE', true]);
    expect(unavailable.message).toContain('INDISPONIBLE');
    sandbox.faults.set({ fail503: 1 });
    expect((await failureOf(c.send(status(plis[2], 'RECU_POSTE', '2026-11-27T08:00:00Z')))).code).toBe('PARTNER_UNAVAILABLE');
    sandbox.faults.set({ latencyMs: 2000 });
    expect((await failureOf(c.send(status(plis[2], 'RECU_POSTE', '2026-11-27T08:00:00Z')))).code).toBe('PARTNER_TIMEOUT');
  });

  it('a retry with the same message id is the same message: the first Ack again, recorded once', async () => {
    const c = await connector();
    const message = status(plis[3], 'RECU_POSTE', '2026-11-27T08:00:00Z');
    // The Ministry takes the message in, and the hub never hears so: it retries with the same id.
    sandbox.faults.set({ loseAnswer: 1 });
    expect((await failureOf(c.send(message))).code).toBe('PARTNER_UNAVAILABLE');
    const retry = await c.send(message);
    expect(retry.status).toBe(200);
    const again = await c.send(message);
    expect(again.body).toEqual(retry.body);
    const record = sandbox.register.plis[plis[3]];
    expect(record.statuses).toHaveLength(1);
    expect((retry.body as { receivedAt: string }).receivedAt).toBe(record.statuses[0].receivedAt);
    expect(sandbox.received.byMessageId(message.messageId).map((e) => e.repeated)).toEqual([false, true, true]);
  });

  it('checks the body against the WSDL schema before sending: an unknown statut never leaves the hub', async () => {
    const c = await connector();
    const message = status(plis[4], 'PERDU', '2026-11-27T08:00:00Z');
    const error = await failureOf(c.send(message));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).not.toContain('PERDU');
    expect(sandbox.received.byMessageId(message.messageId)).toHaveLength(0);
  });
});
