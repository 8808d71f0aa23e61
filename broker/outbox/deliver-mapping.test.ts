import { randomUUID } from 'node:crypto';
import { createPartnerMappings } from '../../app/answer-mapper';
import { loadPartnerBindings } from '../../connectors/partners/bindings';
import type { Connector, OutboundMessage } from '../../connectors/_kit/contract';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { sha256Hex } from '../ledger/ledger';
import { deliverMessage, type DeliveryDeps } from './deliver';
import { claimDueMessages } from './outbox-store';

/** Delivery through the binding's request mapping: what NARSA gets is the mapped message, never the outbox payload as is. */
describe('delivery with a request mapping (NARSA licence.verify)', () => {
  let db: TestDatabase;
  let sent: OutboundMessage[];
  let deps: DeliveryDeps;
  const warnings: Array<Record<string, unknown> | undefined> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const { requests } = await createPartnerMappings([...(await loadPartnerBindings()).values()]);
    const connector = {
      async send(msg: OutboundMessage) { sent.push(msg); return { status: 200, body: { statut: 'VALIDE' }, durationMs: 3 }; },
    } as unknown as Connector;
    deps = { db: db.knex, connectorFor: (p) => (p === 'narsa' ? connector : undefined), retry: { baseMs: 10, maxMs: 100, factor: 2, jitter: 'none', maxAttempts: 3 },
      requests, log: { warn: (_m, meta) => { warnings.push(meta); } } };
  });
  afterAll(async () => { await db.dispose(); });
  beforeEach(() => { sent = []; warnings.length = 0; });

  async function claimOne(payload: Record<string, unknown>) {
    const id = randomUUID();
    await db.knex('outbox').insert({ id, case_reference: 'LIC-PAR-2026-000001', partner: 'narsa', operation: 'licence.verify', payload: JSON.stringify(payload),
      reply_action: 'licence-authentication.verificationResult' });
    const [msg] = (await claimDueMessages(db.knex, { limit: 10, leaseMs: 60000, as: 'in-flight' })).filter((m) => m.id === id);
    return msg;
  }

  it('sends the mapped message, records its hash in the ledger and keeps it with the answer', async () => {
    const payload = { licenceNumber: '12/345678', holder: { cnie: 'BK123456', birthDate: '1990-04-12', familyName: 'EL FASSI', givenNames: 'Amina' } };
    const msg = await claimOne(payload);
    expect(await deliverMessage(msg, deps)).toBe('delivered');
    const request = { licenceNumber: '12/345678', cnie: 'BK123456', birthDate: '1990-04-12' };
    expect(sent.map((m) => m.payload)).toEqual([request]);
    const [ledger] = await db.knex('exchange_ledger').where({ message_id: msg.id, direction: 'out' });
    expect(ledger.payload_sha256).toBe(sha256Hex(JSON.stringify(request)));
    const [answer] = await db.knex('inbox').where({ message_id: `answer:${msg.id}` });
    expect(answer.payload.request).toEqual(request);
    // The outbox keeps what the service wrote.
    const [row] = await db.knex('outbox').where({ id: msg.id });
    expect(row).toMatchObject({ status: 'delivered', payload });
  });

  it('dead-letters a payload that does not map at once (MAPPING_FAILED), naming the fields and not the values; nothing is sent', async () => {
    const msg = await claimOne({ licenceNumber: '12/345678', holder: { birthDate: '1990-02-30' } });
    expect(await deliverMessage(msg, deps)).toBe('dead-lettered');
    expect(sent).toEqual([]);
    const [row] = await db.knex('outbox').where({ id: msg.id });
    expect(row).toMatchObject({ status: 'dead', attempts: 0, last_error_code: 'MAPPING_FAILED' });
    expect(row.last_error).toBe('narsa/licence-check.out: the payload does not map to the partner\'s message: '
      + '/birthDate (from holder.birthDate): is not a canonical date (yyyy-MM-dd); /cnie: is required');
    expect(row.last_error).not.toContain('1990-02-30');
    // Nothing left the hub: no ledger entry. The service learns it through its reply action.
    expect(await db.knex('exchange_ledger').where({ message_id: msg.id })).toEqual([]);
    const [notice] = await db.knex('inbox').where({ partner: 'narsa', reply_action: 'licence-authentication.verificationResult' }).whereLike('message_id', `dead:${msg.id}:%`);
    expect(notice.payload).toMatchObject({ kind: 'dead-letter', code: 'MAPPING_FAILED', messageId: msg.id });
    expect(warnings).toEqual([{ messageId: msg.id, partner: 'narsa', operation: 'licence.verify', code: 'MAPPING_FAILED' }]);
  });
});
