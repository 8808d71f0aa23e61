import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { recordInbound } from '../broker/inbox/inbox-store';
import { appendToLedger } from '../broker/ledger/ledger';
import type { ConnectorLogger } from '../connectors/_kit/contract';
import { PARTNER_BINDINGS_DIR } from '../connectors/partners/bindings';
import { createWebhookReceiver, type WebhookReceiver } from '../connectors/webhook';

export interface StartedWebhook { partner: string; url: string; receiver: WebhookReceiver }

function bindingWebhook(partner: string): Record<string, unknown> {
  const file = path.join(PARTNER_BINDINGS_DIR, partner, 'webhook.json');
  if (!existsSync(file)) return {};
  const { $comment: _comment, ...settings } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return settings;
}

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
      const merged = { ...bindingWebhook(partner), ...hub } as { path: string; secret: string; replyAction?: string } & Record<string, unknown>;
      const { replyAction, ...receiverSettings } = merged;
      const receiver = createWebhookReceiver({
        ...receiverSettings, partner, logger: opts.logger,
        onEvent: async (record) => {
          const stored = await opts.db.transaction(async (trx) => {
            const result = await recordInbound(trx, {
              partner, messageId: `event:${record.eventId}`, operation: `event.${record.type}`, caseReference: record.caseReference,
              // Events go to the service named in the deployment; without one they are kept as evidence only.
              replyAction: replyAction ?? null,
              payload: { kind: 'event', status: 200, body: record.payload, request: {}, receivedAt: record.receivedAt },
            });
            if (result.inserted) {
              await appendToLedger(trx, { partner, operation: `event.${record.type}`, direction: 'in', messageId: record.eventId,
                caseReference: record.caseReference, payloadSha256: record.bodySha256, outcome: 'received' });
            }
            return result;
          });
          if (stored.inserted) opts.onStored();
          return stored;
        },
      });
      started.push({ partner, receiver, url: await receiver.listen() });
    }
    return started;
  } catch (err) {
    await Promise.all(started.map((w) => w.receiver.close()));
    throw err;
  }
}
