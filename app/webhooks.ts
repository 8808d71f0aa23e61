import type { Knex } from 'knex';
import type { ConnectorLogger } from '../connectors/_kit/contract';
import { createWebhookReceiver, type WebhookReceiver } from '../connectors/webhook';
import { bindingSettingsFile, storeInbound } from './inbound-store';

export interface StartedWebhook { partner: string; url: string; receiver: WebhookReceiver }

/**
 * One receiver per partner whose deployment settings have `webhook` (`partners.<partner>.webhook`: secret, port),
 * merged over the binding's `webhook.json`. An event is written to the inbox (unique on partner + event id) and to
 * the ledger in one transaction BEFORE the partner gets its 2xx; `onStored` then wakes the inbox processing.
 */
export async function startWebhooks(opts: {
  db: Knex; deployment: Record<string, Record<string, unknown>>; logger: ConnectorLogger; onStored(): void;
}): Promise<StartedWebhook[]> {
  const started: StartedWebhook[] = [];
  try {
    for (const [partner, settings] of Object.entries(opts.deployment)) {
      const hub = settings.webhook as Record<string, unknown> | undefined;
      if (!hub) continue;
      const merged = { ...bindingSettingsFile(partner, 'webhook.json'), ...hub } as { path: string; secret: string; replyAction?: string } & Record<string, unknown>;
      const { replyAction, ...receiverSettings } = merged;
      const receiver = createWebhookReceiver({
        ...receiverSettings, partner, logger: opts.logger,
        onEvent: (record) => storeInbound(opts.db, {
          partner, partnerMessageId: record.eventId, kind: 'event', type: record.type, caseReference: record.caseReference,
          replyAction: replyAction ?? null, body: record.payload, receivedAt: record.receivedAt, bodySha256: record.bodySha256,
        }, opts.onStored),
      });
      started.push({ partner, receiver, url: await receiver.listen() });
    }
    return started;
  } catch (err) {
    await Promise.all(started.map((w) => w.receiver.close()));
    throw err;
  }
}
