/**
 * Test support: the Interior sandbox started in a temporary data dir, and a SOAP connector aimed at it
 * with the binding's operations. Nothing in the hub imports it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INTERIOR_CREDENTIALS, startInteriorSandbox, type InteriorSandbox } from '../../../sandbox/interior';
import { validateConnectorConfig, type OutboundMessage } from '../../_kit/contract';
import { soapConfigSchema, type SoapConnectorConfig } from '../config-schema';
import { SoapConnector } from '../soap-connector';

export interface InteriorPeer {
  sandbox: InteriorSandbox;
  config(overrides?: Partial<SoapConnectorConfig>): SoapConnectorConfig;
  connector(overrides?: Partial<SoapConnectorConfig>): SoapConnector;
  close(): Promise<void>;
}

export const INTERIOR_OPERATIONS = {
  'burial.submit': { soapOperation: 'SubmitBurialAuthorisation', service: 'MI/ETATCIVIL/SubmitBurialAuthorisation', answerFaults: ['UNKNOWN_COMMUNE'] },
  'burial.status': { soapOperation: 'GetBurialAuthorisationStatus', service: 'MI/ETATCIVIL/GetBurialAuthorisationStatus' },
  'death.transcribe': { soapOperation: 'RequestDeathTranscription', service: 'MI/ETATCIVIL/RequestDeathTranscription' },
  'civil-status.extract': { soapOperation: 'GetCivilStatusExtract', service: 'MI/ETATCIVIL/GetCivilStatusExtract' },
};

export async function startInteriorPeer(callbackUrl?: string, callbackCa?: Buffer): Promise<InteriorPeer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'interior-peer-'));
  const sandbox = await startInteriorSandbox({ dataDir, callbackUrl, callbackCa });
  const config = (overrides: Partial<SoapConnectorConfig> = {}): SoapConnectorConfig => validateConnectorConfig<SoapConnectorConfig>(soapConfigSchema, {
    url: sandbox.url,
    wsdlPath: 'interior/burial-service.wsdl',
    credentials: DEFAULT_INTERIOR_CREDENTIALS.hub,
    header: { client: 'MAEC/ECONSULAT' },
    tls: { caPath: sandbox.pki.caCertPath },
    timeoutMs: 3000,
    maxResponseBytes: 256 * 1024,
    operations: INTERIOR_OPERATIONS,
    ...overrides,
  }, 'partners.interior.soap');
  return {
    sandbox,
    config,
    connector: (overrides) => new SoapConnector(config(overrides), { partner: 'interior' }),
    async close() {
      await sandbox.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const DEATH_ACT = Buffer.from('%PDF-1.4 acte de deces (demo)');

/** A burial authorisation request for Khadija ALAOUI (DESIGN.md §4a), with a new message id. */
export function burialMessage(overrides: Record<string, unknown> = {}): OutboundMessage {
  return {
    messageId: randomUUID(),
    caseReference: 'REP-MAD-2026-000001',
    partner: 'interior',
    operation: 'burial.submit',
    payload: {
      caseReference: 'REP-MAD-2026-000001',
      deceased: {
        familyNameLatin: 'ALAOUI', givenNamesLatin: 'Khadija', familyNameArabic: 'العلوي', givenNamesArabic: 'خديجة',
        cnie: 'CD555111', birthDate: '20/02/1948', birthPlace: 'Fès',
      },
      death: { date: '20/11/2026', country: 'ESP', city: 'Madrid', causeSealed: false },
      burial: { communeCode: '351041', cemetery: 'Bab Ftouh', familyContact: { name: 'Hassan ALAOUI', phone: '+212600000001' } },
      arrival: { expectedAt: '24/11/2026 14:30', borderPost: 'FEZ' },
      funeralOperator: { name: 'Pompes Funèbres Madrid', country: 'ESP' },
      attachments: [{ kind: 'DEATH_ACT', sha256: sha256Hex(DEATH_ACT), mediaType: 'application/pdf', content: DEATH_ACT.toString('base64') }],
      ...overrides,
    },
  };
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
