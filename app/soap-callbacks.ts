import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { ConnectorLogger } from '../connectors/_kit/contract';
import { PARTNER_BINDINGS_DIR } from '../connectors/partners/bindings';
import { createSoapCallbackServer, type SoapCallbackServer } from '../connectors/soap';
import { bindingSettingsFile, storeInbound } from './inbound-store';

export interface StartedSoapCallback { partner: string; url: string; server: SoapCallbackServer }

interface CallbackSettings {
  path: string;
  wsdlPath: string;
  maxBodyBytes?: number;
  createdWindowMs?: number;
  port?: number;
  host?: string;
  credentials: { username: string; password: string };
  tls?: { certPath: string; keyPath: string };
  replyAction?: string;
}

/**
 * One SOAP callback service per partner whose deployment settings have `soapCallback` (port, credentials the
 * partner presents, optional tls), merged over the binding's `soap-callback.json`. A callback is written to the
 * inbox (unique on partner + `callback:<header id>`) and to the ledger in one transaction BEFORE the SOAP Ack
 * leaves; `onStored` then wakes the inbox processing. A duplicate is absorbed and acknowledged.
 */
export async function startSoapCallbacks(opts: {
  db: Knex; deployment: Record<string, Record<string, unknown>>; host: string; logger: ConnectorLogger; onStored(): void;
}): Promise<StartedSoapCallback[]> {
  const started: StartedSoapCallback[] = [];
  try {
    for (const [partner, deployed] of Object.entries(opts.deployment)) {
      const hub = deployed.soapCallback as Record<string, unknown> | undefined;
      if (!hub) continue;
      const s = { ...bindingSettingsFile(partner, 'soap-callback.json'), ...hub } as unknown as CallbackSettings;
      const server = await createSoapCallbackServer({
        port: s.port ?? 0, host: s.host ?? opts.host, path: s.path, maxBodyBytes: s.maxBodyBytes, createdWindowMs: s.createdWindowMs,
        wsdl: readFileSync(path.isAbsolute(s.wsdlPath) ? s.wsdlPath : path.join(PARTNER_BINDINGS_DIR, s.wsdlPath), 'utf8'),
        credentials: s.credentials,
        tls: s.tls ? { cert: readFileSync(s.tls.certPath), key: readFileSync(s.tls.keyPath) } : undefined,
        logger: opts.logger,
        // The case reference is ours: the service finds the request by it, also when the callback overtook the Ack.
        onCallback: (record) => storeInbound(opts.db, {
          partner, partnerMessageId: record.messageId, kind: 'callback', type: record.operation, caseReference: record.caseReference,
          replyAction: s.replyAction ?? null, body: record.payload, receivedAt: record.receivedAt, bodySha256: record.bodySha256,
        }, opts.onStored),
      });
      started.push({ partner, server, url: server.url });
    }
    return started;
  } catch (err) {
    await Promise.all(started.map((c) => c.server.close()));
    throw err;
  }
}
