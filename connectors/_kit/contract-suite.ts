/**
 * The integration suite every protocol connector passes, against a real peer over a real socket.
 * A connector's test calls `runConnectorContractSuite('rest', makePeer)`; the peer plays normal
 * answers and, on demand, the two bad days every protocol has: no answer, and a flood.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { isHubError, type HubError } from '../../broker/errors';
import type { Connector, OutboundMessage } from './contract';

export interface ContractPeer {
  /** A new connector aimed at the peer, not connected yet. Keep its timeout short (≤ 1 s): the suite waits it out. */
  createConnector(): Connector;
  /** A message the peer answers with a business answer; a new message id each call. */
  message(): OutboundMessage;
  /** The peer does not answer the next request within the connector's timeout. */
  holdNextAnswer(): Promise<void>;
  /** The peer's next answer is larger than the connector accepts. */
  oversizeNextAnswer(): Promise<void>;
  close(): Promise<void>;
}

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (isHubError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Every string or number in the payload: none of them may appear in an error or an endpoint. */
function personalValues(payload: unknown): string[] {
  if (typeof payload === 'string') return payload.length >= 4 ? [payload] : [];
  if (typeof payload === 'number') return [String(payload)];
  if (typeof payload !== 'object' || payload === null) return [];
  return Object.values(payload).flatMap(personalValues);
}

export function runConnectorContractSuite(name: string, makePeer: () => Promise<ContractPeer>): void {
  describe(`connector contract: ${name}`, () => {
    let peer: ContractPeer;
    const opened: Connector[] = [];
    const connector = (): Connector => {
      const created = peer.createConnector();
      opened.push(created);
      return created;
    };

    beforeAll(async () => { peer = await makePeer(); });
    afterEach(async () => { await Promise.all(opened.splice(0).map((c) => c.close())); });
    afterAll(async () => { await peer.close(); });

    it('connect and close are idempotent, and health follows them', async () => {
      const c = connector();
      expect((await c.health()).ok).toBe(false);
      await c.connect();
      await c.connect();
      const healthy = await c.health();
      expect(healthy.ok).toBe(true);
      await c.close();
      await c.close();
      expect((await c.health()).ok).toBe(false);
    });

    it('refuses to send before connect with NOT_READY', async () => {
      const c = connector();
      expect((await failureOf(c.send(peer.message()))).code).toBe('NOT_READY');
    });

    it('sends a message and hands back the answer, with an endpoint free of personal data', async () => {
      const c = connector();
      await c.connect();
      const message = peer.message();
      const answer = await c.send(message);
      expect(answer.status).toEqual(expect.any(Number));
      expect(answer.bytes).toBeGreaterThanOrEqual(0);
      expect(answer.durationMs).toBeGreaterThanOrEqual(0);
      expect(typeof answer.headers).toBe('object');
      for (const value of personalValues(message.payload)) expect(answer.endpoint).not.toContain(value);
    });

    it('sends again after close and reconnect', async () => {
      const c = connector();
      await c.connect();
      await c.send(peer.message());
      await c.close();
      await c.connect();
      const answer = await c.send(peer.message());
      expect(answer.status).toEqual(expect.any(Number));
    });

    it('gives up on a silent peer with PARTNER_TIMEOUT, and the next call works', async () => {
      const c = connector();
      await c.connect();
      await peer.holdNextAnswer();
      const message = peer.message();
      const error = await failureOf(c.send(message));
      expect([error.code, error.retryable]).toEqual(['PARTNER_TIMEOUT', true]);
      for (const value of personalValues(message.payload)) expect(error.message).not.toContain(value);
      expect((await c.send(peer.message())).status).toEqual(expect.any(Number));
    });

    it('refuses an oversized answer with PARTNER_BAD_RESPONSE, and the next call works', async () => {
      const c = connector();
      await c.connect();
      await peer.oversizeNextAnswer();
      const message = peer.message();
      const error = await failureOf(c.send(message));
      expect([error.code, error.retryable]).toEqual(['PARTNER_BAD_RESPONSE', false]);
      for (const value of personalValues(message.payload)) expect(error.message).not.toContain(value);
      expect((await c.send(peer.message())).status).toEqual(expect.any(Number));
    });
  });
}
