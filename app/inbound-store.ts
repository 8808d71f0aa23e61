import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { recordInbound } from '../broker/inbox/inbox-store';
import { appendToLedger } from '../broker/ledger/ledger';
import { PARTNER_BINDINGS_DIR } from '../connectors/partners/bindings';

/** A partner binding's settings file for an inbound endpoint (`webhook.json`, `soap-callback.json`), without `$comment`. */
export function bindingSettingsFile(partner: string, file: string): Record<string, unknown> {
  const full = path.join(PARTNER_BINDINGS_DIR, partner, file);
  if (!existsSync(full)) return {};
  const { $comment: _comment, ...settings } = JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>;
  return settings;
}

export interface InboundMessage {
  partner: string;
  /** The partner's own id of the message: the ledger's message id; the inbox key is `<kind>:<id>`. */
  partnerMessageId: string;
  kind: 'event' | 'callback';
  /** e.g. `TRANSPORT_CLEARANCE`, `NotifierDecision`: the inbox operation is `<kind>.<type>`. */
  type: string;
  caseReference: string | null;
  replyAction: string | null;
  body: unknown;
  receivedAt: string;
  bodySha256: string;
}

/**
 * Stores an inbound message (event, callback) BEFORE the partner is acknowledged: the inbox row (unique on partner +
 * key, so a redelivery is absorbed) and its ledger row in one transaction. `onStored` wakes the inbox processing.
 */
export async function storeInbound(db: Knex, m: InboundMessage, onStored: () => void): Promise<{ inserted: boolean }> {
  const operation = `${m.kind}.${m.type}`;
  const stored = await db.transaction(async (trx) => {
    const result = await recordInbound(trx, {
      partner: m.partner, messageId: `${m.kind}:${m.partnerMessageId}`, operation, caseReference: m.caseReference,
      // Without a reply action the message is kept as evidence only, until a service names one.
      replyAction: m.replyAction,
      payload: { kind: m.kind, status: 200, body: m.body, request: {}, receivedAt: m.receivedAt },
    });
    if (result.inserted) {
      await appendToLedger(trx, { partner: m.partner, operation, direction: 'in', messageId: m.partnerMessageId,
        caseReference: m.caseReference, payloadSha256: m.bodySha256, outcome: 'received' });
    }
    return result;
  });
  if (stored.inserted) onStored();
  return stored;
}
