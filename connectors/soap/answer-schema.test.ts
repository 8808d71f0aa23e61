/**
 * Answers are checked against the schema embedded in the partner's WSDL, as requests are: a partner answering
 * outside its own contract is PARTNER_BAD_RESPONSE naming the elements, never their values. A hand-written peer
 * plays the Interior here, because the sandbox only ever answers by the contract.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isHubError, type HubError } from '../../broker/errors';
import { DEFAULT_INTERIOR_CREDENTIALS } from '../../sandbox/interior';
import { validateConnectorConfig } from '../_kit/contract';
import { soapConfigSchema, type SoapConnectorConfig } from './config-schema';
import { requestHash, SOAP_ENV_NS } from './envelope';
import { SoapConnector } from './soap-connector';
import { burialMessage, INTERIOR_OPERATIONS } from './testing/interior-peer';

const NS = 'urn:ma:interieur:inhumation:v1';
let server: Server;
let url: string;
/** The Ack body the peer answers with next (children of tns:Ack). */
let ackBody = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const sent = Buffer.concat(chunks);
      const id = /<hdr:id>([^<]*)<\/hdr:id>/.exec(sent.toString('utf8'))?.[1] ?? '';
      const answer = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_ENV_NS}" xmlns:hdr="urn:ma:gov:xchg:header:v1" xmlns:mi="${NS}">`
        + `<soap:Header><hdr:id>${id}</hdr:id><hdr:requestHash>${requestHash(sent)}</hdr:requestHash></soap:Header>`
        + `<soap:Body><mi:Ack>${ackBody}</mi:Ack></soap:Body></soap:Envelope>`;
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inhumation/v1`;
});
afterAll(async () => { await new Promise((resolve) => server.close(resolve)); });

async function send(overrides: Partial<SoapConnectorConfig> = {}): Promise<unknown> {
  const config = validateConnectorConfig<SoapConnectorConfig>(soapConfigSchema, {
    url, wsdlPath: 'interior/burial-service.wsdl', credentials: DEFAULT_INTERIOR_CREDENTIALS.hub, header: { client: 'MAEC/ECONSULAT' },
    timeoutMs: 3000, operations: INTERIOR_OPERATIONS, ...overrides,
  }, 'partners.interior.soap');
  const connector = new SoapConnector(config, { partner: 'interior' });
  try {
    await connector.connect();
    return (await connector.send(burialMessage())).body;
  } finally {
    await connector.close();
  }
}

async function failureOf(promise: Promise<unknown>): Promise<HubError> {
  try { await promise; } catch (error) { if (isHubError(error)) return error; throw error; }
  throw new Error('expected the call to fail');
}

describe('SOAP answers checked against the WSDL schema', () => {
  it('hands back an answer that matches the schema (the prefix the partner chose does not matter)', async () => {
    ackBody = '<mi:ticket>MI-INH-2026-000001</mi:ticket><mi:receivedAt>27/11/2026 10:45</mi:receivedAt>';
    expect(await send()).toEqual({ ticket: 'MI-INH-2026-000001', receivedAt: '27/11/2026 10:45' });
  });

  it('refuses an answer with an element the schema does not have, or without a required one, naming elements only', async () => {
    ackBody = '<mi:ticket>MI-INH-2026-000001</mi:ticket><mi:receivedAt>27/11/2026 10:45</mi:receivedAt><mi:holder>KHADIJA ALAOUI</mi:holder>';
    const extra = await failureOf(send());
    expect(extra.code).toBe('PARTNER_BAD_RESPONSE');
    expect(extra.message).toContain('holder');
    expect(extra.message).not.toContain('KHADIJA');

    ackBody = '<mi:receivedAt>27/11/2026 10:45</mi:receivedAt>';
    const missing = await failureOf(send());
    expect(missing.code).toBe('PARTNER_BAD_RESPONSE');
    expect(missing.errors?.map((e) => e.path)).toEqual(['receivedAt']);
  });

  it('hands the answer back unchecked with validateAnswers off', async () => {
    ackBody = '<mi:receivedAt>27/11/2026 10:45</mi:receivedAt>';
    expect(await send({ validateAnswers: false })).toEqual({ receivedAt: '27/11/2026 10:45' });
  });
});
