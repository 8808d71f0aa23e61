/**
 * The callback server over a real socket: what it refuses (bad digest, replayed nonce, stale Created,
 * oversized body, DTD/XXE/entity expansion, bad header) and that a callback is stored exactly once and
 * acknowledged only after it is stored.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSandboxPki } from '../../../sandbox/pki';
import { createSoapCallbackServer, type CallbackRecord, type SoapCallbackServer } from '.';
import { requestHash } from '../envelope';
import { decisionEnvelope, faultCodeOf, getText, postXml, usernameToken } from '../testing/raw-soap';

const WSDL = readFileSync(join(__dirname, '..', '..', 'partners', 'interior', 'consular-callback.wsdl'), 'utf8');
const CREDENTIALS = { username: 'mi-etatcivil', password: 'callback-secret' };
const MAX_BODY = 64 * 1024;

/** A store with recordInbound's rule: a message id is stored once, a repeat is absorbed. */
const stored = new Map<string, CallbackRecord>();
let failStore = false;
let server: SoapCallbackServer;

beforeAll(async () => {
  server = await createSoapCallbackServer({
    port: 0, wsdl: WSDL, credentials: CREDENTIALS, maxBodyBytes: MAX_BODY,
    onCallback: async (record) => {
      if (failStore) throw new Error('database down');
      if (stored.has(record.messageId)) return { inserted: false };
      stored.set(record.messageId, record);
      return { inserted: true };
    },
  });
});
afterAll(async () => { await server.close(); });
beforeEach(() => { stored.clear(); failStore = false; });

const token = (parts = {}): string => usernameToken(CREDENTIALS, parts);

describe('SOAP callback server', () => {
  it('serves its WSDL at ?wsdl with soap:address set to its URL', async () => {
    const reply = await getText(`${server.url}?wsdl`);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(`location="${server.url}"`);
    expect(reply.body).toContain('ConsularCallbackService');
  });

  it('stores a decision, then acknowledges it with id and requestHash', async () => {
    const id = randomUUID();
    const envelope = decisionEnvelope({ id, security: token() });
    const reply = await postXml(server.url, envelope, { SOAPAction: '"urn:ma:consulat:callback:v1/NotifyBurialAuthorisationDecision"' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatch(/<tns:Ack><tns:receivedAt>/);
    expect(reply.body).toContain(`<hdr:id>${id}</hdr:id>`);
    expect(reply.body).toContain(`<hdr:requestHash>${requestHash(Buffer.from(envelope))}</hdr:requestHash>`);
    expect(stored.get(id)).toMatchObject({
      messageId: id, operation: 'NotifyBurialAuthorisationDecision', caseReference: 'REP-MAD-2026-000001',
      payload: { ticket: 'MI-INH-2026-000001', caseReference: 'REP-MAD-2026-000001', decision: 'GRANTED', authorisationNumber: 'AI-351041-2026-00001' },
      header: { client: 'MI/ETATCIVIL', userId: 'MI-SYSTEM', protocolVersion: '1.0' },
      bodySha256: createHash('sha256').update(envelope).digest('hex'),
    });
  });

  it('stores a callback that arrives twice exactly once, and acknowledges both', async () => {
    const id = randomUUID();
    const first = await postXml(server.url, decisionEnvelope({ id, security: token() }));
    const again = await postXml(server.url, decisionEnvelope({ id, security: token() }));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toContain('Ack');
    expect(stored.size).toBe(1);
  });

  it('does not acknowledge what it could not store: soap:Server INTERNAL, and the retry is stored', async () => {
    const id = randomUUID();
    failStore = true;
    const refused = await postXml(server.url, decisionEnvelope({ id, security: token() }));
    expect(refused.status).toBe(500);
    expect(refused.body).toContain('soap:Server');
    expect(faultCodeOf(refused.body)).toBe('INTERNAL');
    expect(refused.body).not.toContain('Ack');
    failStore = false;
    expect((await postXml(server.url, decisionEnvelope({ id, security: token() }))).status).toBe(200);
    expect(stored.has(id)).toBe(true);
  });

  it('refuses a wrong password digest and an unknown user', async () => {
    for (const parts of [{ password: 'guess' }, { username: 'someone-else' }]) {
      const reply = await postXml(server.url, decisionEnvelope({ security: token(parts) }));
      expect([reply.status, faultCodeOf(reply.body)]).toEqual([500, 'UNAUTHENTICATED']);
      expect(reply.body).not.toContain('callback-secret');
    }
    expect(stored.size).toBe(0);
  });

  it('refuses a replayed nonce, even on another message', async () => {
    const nonce = randomBytes(16);
    const created = new Date().toISOString();
    expect((await postXml(server.url, decisionEnvelope({ security: token({ nonce, created }) }))).status).toBe(200);
    const replay = await postXml(server.url, decisionEnvelope({ security: token({ nonce, created }) }));
    expect([replay.status, faultCodeOf(replay.body)]).toEqual([500, 'UNAUTHENTICATED']);
    expect(replay.body).toContain('replay');
    expect(stored.size).toBe(1);
  });

  it('refuses a token created outside the window, and one without a digest', async () => {
    const stale = await postXml(server.url, decisionEnvelope({ security: token({ created: new Date(Date.now() - 3_600_000).toISOString() }) }));
    expect(faultCodeOf(stale.body)).toBe('UNAUTHENTICATED');
    const noToken = await postXml(server.url, decisionEnvelope({ security: '' }));
    expect(faultCodeOf(noToken.body)).toBe('UNAUTHENTICATED');
    expect(stored.size).toBe(0);
  });

  it('refuses an oversized body with 413 before parsing it', async () => {
    const padding = `<!--${'x'.repeat(MAX_BODY)}-->`;
    const reply = await postXml(server.url, decisionEnvelope({ security: token(), body: `${padding}<cb:NotifyBurialAuthorisationDecision/>` }));
    expect([reply.status, faultCodeOf(reply.body)]).toEqual([413, 'TOO_LARGE']);
    expect(stored.size).toBe(0);
  });

  it('refuses an external entity (XXE) and an entity expansion bomb as MALFORMED', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>';
    for (const prolog of [xxe, bomb]) {
      const body = '<cb:NotifyBurialAuthorisationDecision><cb:ticket>&xxe;&lol3;</cb:ticket></cb:NotifyBurialAuthorisationDecision>';
      const reply = await postXml(server.url, decisionEnvelope({ prolog, security: token(), body }));
      expect([reply.status, faultCodeOf(reply.body)]).toEqual([500, 'MALFORMED']);
      expect(reply.body).not.toContain('root:');
    }
    // An undeclared entity without a DTD is refused too.
    const undeclared = await postXml(server.url, decisionEnvelope({ security: token(), body: '<cb:NotifyBurialAuthorisationDecision><cb:ticket>&xxe;</cb:ticket></cb:NotifyBurialAuthorisationDecision>' }));
    expect(faultCodeOf(undeclared.body)).toBe('MALFORMED');
    expect(stored.size).toBe(0);
  });

  it('refuses a header without id or with another protocol version, naming the fields', async () => {
    const headerBlocks = '<h:client>MI/ETATCIVIL</h:client><h:service>S</h:service><h:userId>U</h:userId><h:issue>REP-1</h:issue><h:protocolVersion>2.0</h:protocolVersion>';
    const reply = await postXml(server.url, decisionEnvelope({ headerBlocks, security: token() }));
    expect(faultCodeOf(reply.body)).toBe('VALIDATION');
    expect(reply.body).toContain('<tns:field>header.id</tns:field>');
    expect(reply.body).toContain('<tns:field>header.protocolVersion</tns:field>');
  });

  it('refuses a callback without its required fields, and an unknown body element', async () => {
    const missing = await postXml(server.url, decisionEnvelope({ security: token(), body: '<cb:NotifyBurialAuthorisationDecision><cb:ticket>T</cb:ticket></cb:NotifyBurialAuthorisationDecision>' }));
    expect(faultCodeOf(missing.body)).toBe('VALIDATION');
    expect(missing.body).toContain('<tns:field>decision</tns:field>');
    const unknown = await postXml(server.url, decisionEnvelope({ security: token(), body: '<cb:Other/>' }));
    expect(faultCodeOf(unknown.body)).toBe('VALIDATION');
    expect(stored.size).toBe(0);
  });

  it('refuses a callback outside the schema of its WSDL (a decision not in the list, an extra element), naming elements only', async () => {
    const body = (inner: string) => `<cb:NotifyBurialAuthorisationDecision><cb:ticket>T</cb:ticket><cb:caseReference>REP-MAD-2026-000001</cb:caseReference>${inner}</cb:NotifyBurialAuthorisationDecision>`;
    const badValue = await postXml(server.url, decisionEnvelope({ security: token(), body: body('<cb:decision>MAYBE-KHADIJA</cb:decision>') }));
    expect(faultCodeOf(badValue.body)).toBe('VALIDATION');
    expect(badValue.body).toContain('<tns:field>decision</tns:field>');
    expect(badValue.body).not.toContain('KHADIJA');
    const extra = await postXml(server.url, decisionEnvelope({ security: token(), body: body('<cb:decision>GRANTED</cb:decision><cb:holder>ALAOUI</cb:holder>') }));
    expect(faultCodeOf(extra.body)).toBe('VALIDATION');
    expect(extra.body).toContain('<tns:field>holder</tns:field>');
    expect(extra.body).not.toContain('ALAOUI');
    expect(stored.size).toBe(0);
  });

  it('refuses a body streamed without Content-Length once it passes the limit', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(server.url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/xml', 'Transfer-Encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      const chunk = `<!--${'x'.repeat(8 * 1024)}-->`;
      for (let i = 0; i < 12; i += 1) req.write(chunk);
      req.end(decisionEnvelope({ security: token() }));
    });
    expect([reply.status, faultCodeOf(reply.body)]).toEqual([413, 'TOO_LARGE']);
    expect(stored.size).toBe(0);
  });

  it('refuses a SOAP 1.2 envelope as MALFORMED', async () => {
    const soap12 = decisionEnvelope({ security: token() }).replace('http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope');
    expect(faultCodeOf((await postXml(server.url, soap12)).body)).toBe('MALFORMED');
    expect(stored.size).toBe(0);
  });

  it('refuses what is not XML or not SOAP', async () => {
    expect(faultCodeOf((await postXml(server.url, '{"ticket": 1}')).body)).toBe('MALFORMED');
    expect(faultCodeOf((await postXml(server.url, '<a><b></a>')).body)).toBe('MALFORMED');
    expect((await postXml(server.url, '<x/>', { 'Content-Type': 'application/json' })).status).toBe(415);
  });
});

describe('SOAP callback server over HTTPS', () => {
  it('serves the same service with TLS when given a certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callback-tls-'));
    const pki = await ensureSandboxPki(dir);
    const secure = await createSoapCallbackServer({
      port: 0, wsdl: WSDL, credentials: CREDENTIALS,
      tls: { cert: readFileSync(pki.serverCertPath), key: readFileSync(pki.serverKeyPath) },
      onCallback: async () => ({ inserted: true }),
    });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/partners\/interior\/soap$/);
      const body = decisionEnvelope({ security: token() });
      const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(secure.url, { method: 'POST', agent: false, ca: readFileSync(pki.caCertPath), headers: { 'Content-Type': 'text/xml', 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => { text += c.toString(); });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('Ack');
    } finally {
      await secure.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
