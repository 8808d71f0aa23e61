/**
 * Test support shared by the xml-http and Health tests: a Health connector config aimed at a sandbox,
 * and a valid clearance request for the demo person Khadija ALAOUI (DESIGN.md §4a). Not used by the hub.
 */
import { randomUUID } from 'node:crypto';
import type { OutboundMessage } from '../../_kit/contract';
import { validateConnectorConfig } from '../../_kit/config-validation';
import { xmlHttpConfigSchema, type XmlHttpConnectorConfig } from '../config-schema';

export interface SandboxEndpoint { url: string; apiKey: string; pki: { caCertPath: string } }

export function healthTestConfig(sandbox: SandboxEndpoint, overrides: Record<string, unknown> = {}): XmlHttpConnectorConfig {
  return validateConnectorConfig<XmlHttpConnectorConfig>(xmlHttpConfigSchema, {
    baseUrl: sandbox.url,
    tls: { caPath: sandbox.pki.caCertPath },
    credentials: { apiKey: sandbox.apiKey },
    namespace: 'urn:ma:sante:rapatriement:v1',
    xsdPath: 'connectors/partners/health/sante-rapatriement-v1.xsd',
    timeoutMs: 1000,
    maxResponseBytes: 256 * 1024,
    operations: {
      'clearance.request': {
        path: '/sante/rapatriement/demandes', rootElement: 'DemandeAutorisationSanitaire',
        envelope: { ReferenceDossier: 'caseReference', IdMessage: 'messageId' }, arrayItems: { Pieces: 'Piece' },
        answers: [200, 202], answerElements: ['Accuse'], arrays: ['Erreur'],
        refusal: { status: [400], element: 'Erreurs', item: 'Erreur', fieldAttribute: 'champ' },
      },
      'decisions.read': { method: 'GET', path: '/sante/rapatriement/decisions', answers: [200], answerElements: ['Decisions'], itemElement: 'Decision' },
    },
    ...overrides,
  }, 'partners.health.xml-http');
}

export function clearancePayload(): Record<string, unknown> {
  return {
    Defunt: { Nom: 'ALAOUI', Prenom: 'Khadija', NomArabe: 'العلوي', PrenomArabe: 'خديجة', DateNaissance: '1948-02-20', Sexe: 'F' },
    Deces: { Date: '2026-11-20', Pays: 'ES', Ville: 'Madrid', Cause: { CodeCIM10: 'I21.9' }, MaladieContagieuse: 'false' },
    Cercueil: { Hermetique: true, DateFermeture: '2026-11-22', Scelle: 'SC-MAD-0042' },
    Transport: { Mode: 'AIR', PosteFrontiere: 'Casablanca Mohammed V', ArriveePrevue: '2026-11-24T14:30:00' },
    Pieces: [
      { Type: 'CERTIFICAT_DECES', Empreinte: 'a'.repeat(64) },
      { Type: 'CERTIFICAT_MISE_EN_BIERE', Empreinte: 'b'.repeat(64) },
    ],
  };
}

export function clearanceMessage(payload: Record<string, unknown> = clearancePayload()): OutboundMessage {
  return { messageId: randomUUID(), caseReference: 'RAP-MAD-2026-000007', partner: 'health', operation: 'clearance.request', payload, correlationId: 'corr-health-1' };
}
