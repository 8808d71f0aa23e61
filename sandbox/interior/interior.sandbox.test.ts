/**
 * The Interior sandbox over real sockets, from the outside: HTTPS with the sandbox CA, hand-built
 * envelopes, a plain HTTP receiver standing for the hub's callback service, and the control endpoint.
 * (The hub's connector and callback server are tested against it in connectors/.)
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INTERIOR_CREDENTIALS, startInteriorSandbox, type InteriorSandbox } from '.';
import { get, parseDocument, readEnvelope, securityHeader, str } from '../_kit/soap';

interface Reply { status: number; body: string }

let dataDir: string;
let sandbox: InteriorSandbox;
let ca: Buffer;
let receiver: Server;
const callbacks: { body: string; at: number }[] = [];
let callbackAnswer: 'ack' | 'fault' = 'ack';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'interior-sandbox-'));
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      callbacks.push({ body: raw.toString('utf8'), at: Date.now() });
      const env = readEnvelope(parseDocument(raw.toString('utf8')));
      const id = str(get(env?.header, 'id')) ?? '';
      const hash = createHash('sha512').update(raw).digest('base64');
      const body = callbackAnswer === 'ack' ? '<cb:Ack><cb:receivedAt>2026-11-27T10:00:00Z</cb:receivedAt></cb:Ack>' : '<s:Fault><faultcode>s:Server</faultcode><faultstring>down</faultstring></s:Fault>';
      res.writeHead(callbackAnswer === 'ack' ? 200 : 500, { 'Content-Type': 'text/xml' });
      res.end(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:h="urn:ma:gov:xchg:header:v1" xmlns:cb="urn:ma:consulat:callback:v1"><s:Header><h:id>${id}</h:id><h:requestHash>${hash}</h:requestHash></s:Header><s:Body>${body}</s:Body></s:Envelope>`);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/partners/interior/soap`;
  sandbox = await startInteriorSandbox({ dataDir, callbackUrl });
  ca = await readFile(sandbox.pki.caCertPath);
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => { receiver.close(() => resolve()); receiver.closeAllConnections(); });
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  expect((await control('POST', '/_sandbox/reset')).status).toBe(200);
  sandbox.faults.set({ callbackDelayMs: 0, callbackRetryMs: 100 });
  callbacks.length = 0;
  callbackAnswer = 'ack';
});

function https(path: string, method: string, body?: string): Promise<Reply> {
  const url = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: url.hostname, port: url.port, path, method, ca, agent: false, headers: body ? { 'Content-Type': 'text/xml; charset=utf-8' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function control(method: string, path: string, json?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${sandbox.controlUrl}${path}`, { method, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(json === undefined ? undefined : JSON.stringify(json));
  });
}

const PDF = Buffer.from('%PDF demo');
function submitBody(communeCode = '351041', attachments = true): string {
  const attachment = attachments
    ? `<mi:attachments><mi:kind>DEATH_ACT</mi:kind><mi:sha256>${createHash('sha256').update(PDF).digest('hex')}</mi:sha256><mi:mediaType>application/pdf</mi:mediaType><mi:content>${PDF.toString('base64')}</mi:content></mi:attachments>`
    : '';
  return '<mi:BurialAuthorisationRequest><mi:caseReference>REP-MAD-2026-000007</mi:caseReference>'
    + '<mi:deceased><mi:familyNameLatin>ALAOUI</mi:familyNameLatin><mi:givenNamesLatin>Khadija</mi:givenNamesLatin><mi:familyNameArabic>العلوي</mi:familyNameArabic><mi:givenNamesArabic>خديجة</mi:givenNamesArabic><mi:cnie>CD555111</mi:cnie><mi:birthDate>20/02/1948</mi:birthDate><mi:birthPlace>Fès</mi:birthPlace></mi:deceased>'
    + '<mi:death><mi:date>20/11/2026</mi:date><mi:country>ESP</mi:country><mi:city>Madrid</mi:city><mi:causeSealed>false</mi:causeSealed></mi:death>'
    + `<mi:burial><mi:communeCode>${communeCode}</mi:communeCode><mi:familyContact><mi:name>Hassan ALAOUI</mi:name><mi:phone>+212600000001</mi:phone></mi:familyContact></mi:burial>`
    + '<mi:arrival><mi:expectedAt>24/11/2026 14:30</mi:expectedAt><mi:borderPost>FEZ</mi:borderPost></mi:arrival>'
    + `<mi:funeralOperator><mi:name>PF Madrid</mi:name><mi:country>ESP</mi:country></mi:funeralOperator>${attachment}</mi:BurialAuthorisationRequest>`;
}

function envelope(body: string, options: { id?: string; password?: string; header?: string } = {}): string {
  const credentials = { ...DEFAULT_INTERIOR_CREDENTIALS.hub, ...(options.password ? { password: options.password } : {}) };
  const header = options.header ?? `<h:client>MAEC/ECONSULAT</h:client><h:service>MI/ETATCIVIL/SubmitBurialAuthorisation</h:service><h:id>${options.id ?? randomUUID()}</h:id><h:userId>U</h:userId><h:issue>REP-MAD-2026-000007</h:issue><h:protocolVersion>1.0</h:protocolVersion>`;
  return `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:h="urn:ma:gov:xchg:header:v1" xmlns:mi="urn:ma:interieur:inhumation:v1"><soap:Header>${header}${securityHeader(credentials)}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

const code = (xml: string): string | undefined => /<mi:code>([^<]*)<\/mi:code>/.exec(xml)?.[1];
const ticketOf = (xml: string): string | undefined => /<mi:ticket>([^<]*)<\/mi:ticket>/.exec(xml)?.[1];

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Interior sandbox', () => {
  it('serves its WSDL with its own address', async () => {
    const reply = await https('/inhumation/v1?wsdl', 'GET');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(`<soap:address location="${sandbox.url}"/>`);
  });

  it('acks a submission with a ticket and Casablanca time, then calls back signed with its own token', async () => {
    const id = randomUUID();
    const raw = envelope(submitBody(), { id });
    const reply = await https('/inhumation/v1', 'POST', raw);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatch(/<mi:receivedAt>\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}<\/mi:receivedAt>/);
    expect(reply.body).toContain(`<hdr:id>${id}</hdr:id>`);
    expect(reply.body).toContain(`<hdr:requestHash>${createHash('sha512').update(raw).digest('base64')}</hdr:requestHash>`);
    const callback = await waitFor(() => callbacks.find((c) => c.body.includes(`<cb:ticket>${ticketOf(reply.body)}</cb:ticket>`)));
    expect(callback.body).toContain('<cb:decision>GRANTED</cb:decision>');
    expect(callback.body).toContain('<wsse:Username>mi-etatcivil</wsse:Username>');
    await waitFor(() => sandbox.callbacks.find((c) => c.ticket === ticketOf(reply.body) && c.acknowledged === 1));
  });

  it('answers a repeated message id with DUPLICATE_MESSAGE and the original ticket, also after a restart', async () => {
    const id = randomUUID();
    const first = await https('/inhumation/v1', 'POST', envelope(submitBody(), { id }));
    const again = await https('/inhumation/v1', 'POST', envelope(submitBody(), { id }));
    expect([again.status, code(again.body), ticketOf(again.body)]).toEqual([500, 'DUPLICATE_MESSAGE', ticketOf(first.body)]);
    // Tickets live on disk: a second sandbox on the same data dir still knows the message.
    const second = await startInteriorSandbox({ dataDir });
    try {
      const reply = await new Promise<Reply>((resolve, reject) => {
        const url = new URL(second.url);
        const req = httpsRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', ca, agent: false, headers: { 'Content-Type': 'text/xml' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => { body += c.toString(); });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(envelope(submitBody(), { id }));
      });
      expect(ticketOf(reply.body)).toBe(ticketOf(first.body));
    } finally {
      await second.close();
    }
  });

  it('refuses a wrong digest, a bad header, an unknown commune and malformed fields', async () => {
    const auth = await https('/inhumation/v1', 'POST', envelope(submitBody(), { password: 'wrong' }));
    expect(auth.body).toContain('wsse:FailedAuthentication');
    const header = await https('/inhumation/v1', 'POST', envelope(submitBody(), { header: '<h:client>X</h:client>' }));
    expect(code(header.body)).toBe('VALIDATION');
    expect(header.body).toContain('<mi:field>header.id</mi:field>');
    expect(code((await https('/inhumation/v1', 'POST', envelope(submitBody('000000')))).body)).toBe('UNKNOWN_COMMUNE');
    const invalid = await https('/inhumation/v1', 'POST', envelope(submitBody().replace('20/11/2026', '2026-11-20')));
    expect(invalid.body).toContain('<mi:field>death.date</mi:field>');
    expect(invalid.body).not.toContain('2026-11-20');
    const dtd = await https('/inhumation/v1', 'POST', `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${envelope(submitBody())}`);
    expect(code(dtd.body)).toBe('VALIDATION');
  });

  it('plays its bad days from the control endpoint: soap:Server faults, a bare 503, and an unknown switch refused', async () => {
    expect((await control('POST', '/_sandbox/faults', { serverFault: 1, fail503: 1 })).status).toBe(200);
    expect((await https('/inhumation/v1', 'POST', envelope(submitBody()))).status).toBe(503);
    const fault = await https('/inhumation/v1', 'POST', envelope(submitBody()));
    expect([fault.status, code(fault.body)]).toEqual([500, 'UNAVAILABLE']);
    expect(fault.body).toContain('soapenv:Server');
    expect((await https('/inhumation/v1', 'POST', envelope(submitBody()))).status).toBe(200);
    expect((await control('POST', '/_sandbox/faults', { duplicateCallback: true })).status).toBe(400);
    const state = JSON.parse((await control('GET', '/_sandbox/state')).body) as { faults: Record<string, unknown>; counts: { received: number } };
    expect(state.faults).toMatchObject({ serverFault: 0, duplicateCallbacks: false, callbackRetryMs: 100 });
    expect(state.counts.received).toBe(3);
  });

  it('adds latency to every answer when asked', async () => {
    sandbox.faults.set({ latencyMs: 400 });
    const started = Date.now();
    expect((await https('/inhumation/v1', 'POST', envelope(submitBody()))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it('sends the callback before the Ack when asked, and twice when asked', async () => {
    sandbox.faults.set({ callbackBeforeAck: true, duplicateCallbacks: true });
    const reply = await https('/inhumation/v1', 'POST', envelope(submitBody()));
    // Both copies were received before the submission's answer came back.
    const mine = callbacks.filter((c) => c.body.includes(`<cb:ticket>${ticketOf(reply.body)}</cb:ticket>`));
    expect(mine).toHaveLength(2);
    expect(mine[0].body.match(/<hdr:id>([^<]*)</)?.[1]).toBe(mine[1].body.match(/<hdr:id>([^<]*)</)?.[1]);
  });

  it('retries a callback that got a fault, with the same message id, until acknowledged', async () => {
    callbackAnswer = 'fault';
    const ticket = ticketOf((await https('/inhumation/v1', 'POST', envelope(submitBody(undefined, false)))).body);
    const mine = (): typeof callbacks => callbacks.filter((c) => c.body.includes(`<cb:ticket>${ticket}</cb:ticket>`));
    await waitFor(() => (mine().length >= 2 ? true : undefined));
    callbackAnswer = 'ack';
    const done = await waitFor(() => sandbox.callbacks.find((c) => c.ticket === ticket && c.acknowledged === 1));
    expect(done.attempts).toBeGreaterThanOrEqual(3);
    const ids = new Set(mine().map((c) => c.body.match(/<hdr:id>([^<]*)</)?.[1]));
    expect(ids.size).toBe(1);
    expect(mine()[0].body).toContain('<cb:reason>DEATH_ACT_MISSING</cb:reason>');
  });
});
