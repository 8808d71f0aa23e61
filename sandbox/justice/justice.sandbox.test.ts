/**
 * The Justice sandbox over real sockets, driven with ssh2-sftp-client and raw SOAP envelopes (not the
 * hub's connectors: the two sides of the wire are tested apart).
 */
import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { securityHeader } from '../_kit/soap';
import { DEFAULT_JUSTICE_CREDENTIALS, startJusticeSandbox, type JusticeSandbox, type PublishReport } from '.';
import { generateSshKeyPair } from '../../connectors/sftp/key-pair';

jest.setTimeout(60_000);

let dataDir: string;
let sandbox: JusticeSandbox;
let ca: Buffer;
const hubKey = generateSshKeyPair();
const clients: SftpClient[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'justice-sandbox-'));
  sandbox = await startJusticeSandbox({ dataDir, hubPublicKey: hubKey.public });
  ca = await readFile(sandbox.pki.caCertPath);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  sandbox.faults.reset();
});
afterAll(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function sftp(privateKey: string = hubKey.private): Promise<SftpClient> {
  const c = new SftpClient('justice-sandbox-test', { error: () => undefined, end: () => undefined, close: () => undefined });
  clients.push(c);
  await c.connect({ host: sandbox.host, port: sandbox.sftpPort, username: sandbox.sftpUsername, privateKey, readyTimeout: 10_000 });
  return c;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function post(url: string, body: string, json = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'POST', ca, headers: { 'Content-Type': json ? 'application/json' : 'text/xml; charset=utf-8' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function envelope(body: string, options: { id?: string; password?: string } = {}): string {
  const credentials = { ...DEFAULT_JUSTICE_CREDENTIALS.hub, ...(options.password ? { password: options.password } : {}) };
  const header = `<h:client>MAEC/ECONSULAT</h:client><h:service>MJ/PLIS/NotifierStatut</h:service><h:id>${options.id ?? randomUUID()}</h:id>`
    + '<h:userId>U</h:userId><h:issue>PLI-CASE</h:issue><h:protocolVersion>1.0</h:protocolVersion>';
  return '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:h="urn:ma:gov:xchg:header:v1" xmlns:j="urn:ma:justice:plis:v1">'
    + `<soap:Header>${header}${securityHeader(credentials)}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}
const statut = (idPli: string, value: string, date: string): string => `<j:NotifierStatut><j:idPli>${idPli}</j:idPli><j:statut>${value}</j:statut><j:date>${date}</j:date></j:NotifierStatut>`;
const code = (xml: string): string | undefined => /<jus:code>([^<]*)<\/jus:code>/.exec(xml)?.[1];
const receivedAt = (xml: string): string | undefined => /<jus:receivedAt>([^<]*)<\/jus:receivedAt>/.exec(xml)?.[1];

describe('Justice sandbox, SFTP side', () => {
  it('publishes a lot: documents and manifest in LOT_<id>/, then the marker; digests match', async () => {
    const report = await sandbox.publishLot(12);
    const c = await sftp();
    const names = (await c.list('/sortant')).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining([`LOT_${report.lotId}`, `LOT_${report.lotId}.pret`]));
    const manifest = (await c.get(`${report.path}/manifest.xml`)) as Buffer;
    expect(sha256(manifest)).toBe(report.manifestSha256);
    const xml = manifest.toString('utf8');
    expect(xml).toContain(`<Lot xmlns="urn:ma:justice:plis:v1" id="${report.lotId}"`);
    expect(xml.match(/<Pli>/g)).toHaveLength(12);
    for (const [, fichier, empreinte] of xml.matchAll(/<Fichier>([^<]+)<\/Fichier><Empreinte>([0-9a-f]{64})<\/Empreinte>/g)) {
      const pdf = (await c.get(`${report.path}/${fichier}`)) as Buffer;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(sha256(pdf)).toBe(empreinte);
    }
    // The demo people and addressees in and outside the posts' districts.
    expect(xml).toContain('<Cnie>BK123456</Cnie>');
    expect(report.plis.some((p) => p.expected === 'HORS_CIRCONSCRIPTION' && p.post === null)).toBe(true);
    expect(new Set(report.plis.filter((p) => p.post).map((p) => p.post))).toEqual(new Set(['CG-PARIS', 'CG-BRUXELLES', 'CG-MADRID', 'CG-MONTREAL', 'CG-DUBAI']));
  });

  it('lets in the hub key only', async () => {
    const other = generateSshKeyPair();
    await expect(sftp(other.private)).rejects.toThrow();
  });

  it('plays an incomplete lot, then completes it on demand', async () => {
    sandbox.faults.set({ incompleteLot: 1 });
    const report = await sandbox.publishLot(2);
    expect(report.complete).toBe(false);
    const c = await sftp();
    expect(await c.exists(`/sortant/LOT_${report.lotId}.pret`)).toBe(false);
    expect(await c.exists(`${report.path}/manifest.xml`)).toBe('-');
    expect(await sandbox.completeLot(report.lotId)).toBe(true);
    expect(await c.exists(`/sortant/LOT_${report.lotId}.pret`)).toBe('-');
  });

  it('re-delivers the last lot with the same bytes', async () => {
    const first = await sandbox.publishLot(3);
    sandbox.faults.set({ redeliverLot: 1 });
    const again = await sandbox.publishLot(5);
    expect(again).toMatchObject({ lotId: first.lotId, redelivered: true, manifestSha256: first.manifestSha256 });
    const c = await sftp();
    expect(sha256((await c.get(`${first.path}/manifest.xml`)) as Buffer)).toBe(first.manifestSha256);
    expect(sandbox.register.lots[first.lotId].deliveries).toBe(2);
  });

  it('breaks entries on demand: wrong digest, missing piece, invalid data, malformed manifest', async () => {
    sandbox.faults.set({ badDigest: 1, missingPiece: 1, invalidEntry: 1 });
    const broken = await sandbox.publishLot(4);
    expect(broken.plis.map((p) => p.expected).slice(0, 2)).toEqual(['EMPREINTE_INVALIDE', 'DONNEES_INVALIDES']);
    expect(broken.plis[3].expected).toBe('PIECE_MANQUANTE');
    sandbox.faults.set({ malformedManifest: 1 });
    const malformed = await sandbox.publishLot(2);
    const c = await sftp();
    const text = ((await c.get(`${malformed.path}/manifest.xml`)) as Buffer).toString('utf8');
    expect(text.trimEnd().endsWith('</Lot>')).toBe(false);
  });

  it('reads the hub acknowledgement in /entrant and checks it against the lot', async () => {
    const lot: PublishReport = await sandbox.publishLot(3);
    const pli = (p: PublishReport['plis'][number]): string => (p.expected === 'Accepte'
      ? `<Pli><IdPli>${p.idPli}</IdPli><Accepte/></Pli>`
      : `<Pli><IdPli>${p.idPli}</IdPli><Rejete><Motif>${p.expected}</Motif></Rejete></Pli>`);
    const xml = `<?xml version="1.0" encoding="UTF-8"?><AccuseLot xmlns="urn:ma:justice:plis:v1" id="${lot.lotId}">${lot.plis.map(pli).join('')}</AccuseLot>`;
    const c = await sftp();
    await c.put(Buffer.from(xml), `/entrant/ACK_LOT_${lot.lotId}.xml`);
    const control = await post(`${sandbox.controlUrl}/_sandbox/read-acks`, '', true);
    const read = (JSON.parse(control.body) as { read: Array<{ lotId: string; problems: string[]; plis: unknown[] }> }).read;
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ lotId: lot.lotId, problems: [] });
    expect(read[0].plis).toHaveLength(3);
    // A pli left out and an unknown motif are named.
    const partial = `<?xml version="1.0" encoding="UTF-8"?><AccuseLot xmlns="urn:ma:justice:plis:v1" id="${lot.lotId}">`
      + `<Pli><IdPli>${lot.plis[0].idPli}</IdPli><Rejete><Motif>AUTRE</Motif></Rejete></Pli>${pli(lot.plis[1])}</AccuseLot>`;
    await c.put(Buffer.from(partial), `/entrant/ACK_LOT_${lot.lotId}.xml`);
    const [second] = await sandbox.readAcknowledgements();
    expect(second.problems).toEqual([`${lot.plis[0].idPli}: Rejete needs a Motif among HORS_CIRCONSCRIPTION, PIECE_MANQUANTE, EMPREINTE_INVALIDE, DONNEES_INVALIDES`, `${lot.plis[2].idPli} is not answered`]);
    // Read once: nothing new until the file changes.
    expect(await sandbox.readAcknowledgements()).toEqual([]);
  });

  it('publishes a lot from the control endpoint, and refuses a bad count', async () => {
    const ok = await post(`${sandbox.controlUrl}/_sandbox/publish-lot`, JSON.stringify({ count: 2 }), true);
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.body) as PublishReport).plis).toHaveLength(2);
    expect((await post(`${sandbox.controlUrl}/_sandbox/publish-lot`, JSON.stringify({ count: 0 }), true)).status).toBe(400);
    expect((await post(`${sandbox.controlUrl}/_sandbox/faults`, JSON.stringify({ nope: 1 }), true)).status).toBe(400);
  });
});

describe('Justice sandbox, SuiviPlisService', () => {
  let plis: string[];
  beforeAll(async () => { plis = (await sandbox.publishLot(3)).plis.map((p) => p.idPli); });

  it('acks statuses in order and refuses an older one with TRANSITION_INVALIDE', async () => {
    const first = await post(sandbox.url, envelope(statut(plis[0], 'RECU_POSTE', '2026-11-27T09:00:00Z')));
    expect(first.status).toBe(200);
    expect(receivedAt(first.body)).toMatch(/Z$/);
    expect((await post(sandbox.url, envelope(statut(plis[0], 'DESTINATAIRE_CONVOQUE', '2026-11-28T09:00:00Z')))).status).toBe(200);
    const older = await post(sandbox.url, envelope(statut(plis[0], 'RECU_POSTE', '2026-11-29T09:00:00Z')));
    expect([older.status, code(older.body)]).toEqual([500, 'TRANSITION_INVALIDE']);
    const earlier = await post(sandbox.url, envelope(statut(plis[0], 'SIGNIFIE', '2026-11-27T10:00:00Z')));
    expect(code(earlier.body)).toBe('TRANSITION_INVALIDE');
    expect(sandbox.register.plis[plis[0]].statuses.map((s) => s.statut)).toEqual(['RECU_POSTE', 'DESTINATAIRE_CONVOQUE']);
  });

  it('answers a repeated message id with the first Ack, and records it once', async () => {
    const id = randomUUID();
    const a = await post(sandbox.url, envelope(statut(plis[1], 'RECU_POSTE', '2026-11-27T09:00:00Z'), { id }));
    const b = await post(sandbox.url, envelope(statut(plis[1], 'RECU_POSTE', '2026-11-27T09:00:00Z'), { id }));
    expect(b.status).toBe(200);
    expect(receivedAt(b.body)).toBe(receivedAt(a.body));
    expect(sandbox.register.plis[plis[1]].statuses).toHaveLength(1);
    expect(sandbox.received.byMessageId(id).map((e) => e.repeated)).toEqual([false, true]);
  });

  it('knows PLI_INCONNU, refuses a bad password, and plays INDISPONIBLE', async () => {
    expect(code((await post(sandbox.url, envelope(statut('PLI-NOPE', 'RECU_POSTE', '2026-11-27T09:00:00Z')))).body)).toBe('PLI_INCONNU');
    expect(code((await post(sandbox.url, envelope(statut(plis[2], 'RECU_POSTE', '2026-11-27T09:00:00Z'), { password: 'wrong' }))).body)).toBe('AUTHENTIFICATION');
    sandbox.faults.set({ unavailableFault: 1 });
    const down = await post(sandbox.url, envelope(statut(plis[2], 'RECU_POSTE', '2026-11-27T09:00:00Z')));
    expect([down.status, code(down.body)]).toEqual([500, 'INDISPONIBLE']);
    expect(down.body).toContain('<faultcode>soapenv:Server</faultcode>');
  });

  it('takes a certificate of service and keeps its digest, not the PDF', async () => {
    const pdf = Buffer.from('%PDF-1.4 attestation');
    const body = `<j:TransmettreAttestation><j:idPli>${plis[2]}</j:idPli><j:resultat>SIGNIFIE_REMISE_SIMPLE</j:resultat><j:dateSignification>2026-11-30</j:dateSignification>`
      + `<j:remisA><j:nom>X</j:nom><j:qualite>DESTINATAIRE</j:qualite></j:remisA><j:attestationPdf>${pdf.toString('base64')}</j:attestationPdf></j:TransmettreAttestation>`;
    expect((await post(sandbox.url, envelope(body))).status).toBe(200);
    expect(sandbox.register.plis[plis[2]].attestations[0]).toMatchObject({ resultat: 'SIGNIFIE_REMISE_SIMPLE', pdfSha256: sha256(pdf), pdfBytes: pdf.length });
    const noReason = body.replace('SIGNIFIE_REMISE_SIMPLE', 'NON_SIGNIFIE');
    expect(code((await post(sandbox.url, envelope(noReason))).body)).toBe('REQUETE_INVALIDE');
  });
});

describe('Justice sandbox, restarts and control', () => {
  it('keeps its host key and register across a restart, and re-delivers the last lot from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'justice-restart-'));
    try {
      const first = await startJusticeSandbox({ dataDir: dir, hubPublicKey: hubKey.public });
      const lot = await first.publishLot(2);
      const fingerprint = first.hostKeyFingerprint;
      await first.close();
      const second = await startJusticeSandbox({ dataDir: dir, hubPublicKey: hubKey.public });
      try {
        expect(second.hostKeyFingerprint).toBe(fingerprint);
        expect(Object.keys(second.register.plis)).toEqual(lot.plis.map((p) => p.idPli));
        second.faults.set({ redeliverLot: 1 });
        expect(await second.publishLot(1)).toMatchObject({ lotId: lot.lotId, redelivered: true, manifestSha256: lot.manifestSha256, plis: lot.plis });
        expect((await second.publishLot(1)).lotId).not.toBe(lot.lotId);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('state names the ports and fingerprint; reset turns every switch off', async () => {
    await post(`${sandbox.controlUrl}/_sandbox/faults`, JSON.stringify({ unavailableFault: 'always', incompleteLot: 2 }), true);
    expect(sandbox.faults.snapshot()).toMatchObject({ unavailableFault: 'always', incompleteLot: 2 });
    const state = await new Promise<Record<string, unknown>>((resolve, reject) => {
      httpRequest(`${sandbox.controlUrl}/_sandbox/state`, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>));
      }).on('error', reject).end();
    });
    expect(state).toMatchObject({ agency: 'justice', url: sandbox.url, sftpUrl: sandbox.sftpUrl, hostKeyFingerprint: sandbox.hostKeyFingerprint });
    expect((await post(`${sandbox.controlUrl}/_sandbox/reset`, '', true)).status).toBe(200);
    expect(sandbox.faults.snapshot()).toMatchObject({ unavailableFault: 0, incompleteLot: 0 });
  });
});
