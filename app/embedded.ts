import type { HubConfig } from '../config/schema';
import { startSandboxes, stopSandboxes, type Sandboxes } from '../sandbox';
import { startHub, writeRunFile, type Hub } from './hub';

export interface EmbeddedHub { hub: Hub; sandboxes?: Sandboxes; stop(): Promise<void> }

/**
 * The one place hub code meets the sandbox: in embedded mode the simulated agencies start in-process on
 * loopback and the partner endpoints point at them. A production configuration never comes through here
 * with `sandbox.enabled`.
 */
export async function startEmbedded(config: HubConfig): Promise<EmbeddedHub> {
  let sandboxes: Sandboxes | undefined;
  if (config.sandbox.enabled) {
    sandboxes = await startSandboxes({ dataDir: config.dataDir, ports: { narsa: config.sandbox.narsaPort, narsaControl: config.sandbox.narsaControlPort } });
    const { narsa } = sandboxes;
    config.partners = {
      ...config.partners,
      narsa: { rest: { baseUrl: narsa.url, tls: { caPath: narsa.pki.caCertPath, certPath: narsa.pki.clientCertPath, keyPath: narsa.pki.clientKeyPath } }, ...config.partners.narsa },
    };
  }
  let hub: Hub;
  try {
    hub = await startHub(config);
  } catch (err) {
    if (sandboxes) await stopSandboxes(sandboxes).catch(() => undefined);
    throw err;
  }
  writeRunFile(config.dataDir, {
    portal: hub.url,
    embeddedDatabase: !config.databaseUrl,
    sandbox: sandboxes ? { narsa: { url: sandboxes.narsa.url, control: sandboxes.narsa.controlUrl } } : undefined,
  });
  return {
    hub, sandboxes,
    async stop() {
      await hub.stop();
      if (sandboxes) await stopSandboxes(sandboxes);
    },
  };
}
