import type { HubConfig } from '../config/schema';
import { DEFAULT_INTERIOR_CREDENTIALS, DEFAULT_JUSTICE_CREDENTIALS, DGSN_DEFAULT_CLIENT_ID, DGSN_DEFAULT_CLIENT_SECRET, DGSN_DEFAULT_WEBHOOK_SECRET, startSandboxes, stopSandboxes, type Sandboxes } from '../sandbox';
import { startHub, writeRunFile, type Hub } from './hub';
import { ensureHubSshKey } from './ssh-keys';

/** `narsaSftp` → `narsa-sftp`: agency names as the CLI and the run file spell them. */
export const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export interface EmbeddedHub { hub: Hub; sandboxes?: Sandboxes; stop(): Promise<void> }

/**
 * The one place hub code meets the sandbox: in embedded mode the simulated agencies start in-process on
 * loopback and the partner endpoints point at them. A production configuration never comes through here
 * with `sandbox.enabled`.
 */
export async function startEmbedded(config: HubConfig): Promise<EmbeddedHub> {
  let sandboxes: Sandboxes | undefined;
  if (config.sandbox.enabled) {
    const s = config.sandbox;
    const hubKey = ensureHubSshKey(config.dataDir);
    sandboxes = await startSandboxes({ dataDir: config.dataDir, hubSshPublicKey: hubKey.publicKey,
      ports: { narsa: s.narsaPort, narsaControl: s.narsaControlPort, dgsn: s.dgsnPort, dgsnControl: s.dgsnControlPort, narsaSftp: s.narsaSftpPort, narsaSftpControl: s.narsaSftpControlPort, health: s.healthPort, healthControl: s.healthControlPort,
        interior: s.interiorPort, interiorControl: s.interiorControlPort, justice: s.justicePort, justiceSftp: s.justiceSftpPort, justiceControl: s.justiceControlPort } });
    const { narsa, dgsn, narsaSftp, health, interior, justice } = sandboxes;
    config.partners = {
      ...config.partners,
      narsa: { rest: { baseUrl: narsa.url, tls: { caPath: narsa.pki.caCertPath, certPath: narsa.pki.clientCertPath, keyPath: narsa.pki.clientKeyPath } }, ...config.partners.narsa },
      dgsn: {
        rest: { baseUrl: dgsn.url, tls: { caPath: dgsn.pki.caCertPath }, oauth2: { clientId: DGSN_DEFAULT_CLIENT_ID, clientSecret: DGSN_DEFAULT_CLIENT_SECRET } },
        webhook: { secret: DGSN_DEFAULT_WEBHOOK_SECRET, port: 0 },
        ...config.partners.dgsn,
      },
      health: { 'xml-http': { baseUrl: health.url, tls: { caPath: health.pki.caCertPath }, credentials: { apiKey: health.apiKey } }, ...config.partners.health },
      'narsa-batch': {
        sftp: { host: narsaSftp.host, port: narsaSftp.port, username: narsaSftp.username, privateKeyPath: hubKey.privateKeyPath, hostKey: { sha256: narsaSftp.hostKeyFingerprint } },
        ...config.partners['narsa-batch'],
      },
      interior: {
        soap: { url: interior.url, credentials: DEFAULT_INTERIOR_CREDENTIALS.hub, tls: { caPath: interior.pki.caCertPath } },
        soapCallback: { credentials: DEFAULT_INTERIOR_CREDENTIALS.interior, port: 0 },
        ...config.partners.interior,
      },
      justice: { soap: { url: justice.url, credentials: DEFAULT_JUSTICE_CREDENTIALS.hub, tls: { caPath: justice.pki.caCertPath } }, ...config.partners.justice },
      'justice-batch': {
        sftp: { host: justice.host, port: justice.sftpPort, username: justice.sftpUsername, privateKeyPath: hubKey.privateKeyPath, hostKey: { sha256: justice.hostKeyFingerprint } },
        ...config.partners['justice-batch'],
      },
    };
  }
  let hub: Hub;
  try {
    hub = await startHub(config);
  } catch (err) {
    if (sandboxes) await stopSandboxes(sandboxes).catch(() => undefined);
    throw err;
  }
  const dgsnWebhook = hub.webhooks.find((w) => w.partner === 'dgsn');
  if (sandboxes && dgsnWebhook) sandboxes.dgsn.setWebhookUrl(dgsnWebhook.url);
  const interiorCallback = hub.soapCallbacks.find((c) => c.partner === 'interior');
  if (sandboxes && interiorCallback) sandboxes.interior.setCallbackUrl(interiorCallback.url);
  writeRunFile(config.dataDir, {
    portal: hub.url,
    embeddedDatabase: !config.databaseUrl,
    sandbox: sandboxes ? Object.fromEntries(Object.entries(sandboxes).map(([agency, a]) => [kebab(agency), { url: a.url, control: a.controlUrl }])) : undefined,
  });
  return {
    hub, sandboxes,
    async stop() {
      await hub.stop();
      if (sandboxes) await stopSandboxes(sandboxes);
    },
  };
}
