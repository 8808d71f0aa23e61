/**
 * The Health sandbox over real sockets: HTTPS with the API key, the request endpoint, the paged feed
 * and the control endpoint with Health's fault switches. Written without connectors/ code on purpose.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HealthSandbox, rabatLocal, startHealthSandbox } from '.';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

let dataDir: string;
let sandbox: HealthSandbox;
let ca: Buffer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'health-sandbox-'));
  sandbox = await startHealthSandbox({ dataDir, pageSize: 3 });
  ca = await readFile(sandbox.pki.caCertPath);
});
afterAll(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  expect((await control('POST', '/_sandbox/reset')).status).toBe(200);
  sandbox.register.clear();
});

function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  const url = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: url.hostname, port: url.port, path, method, agent: false, ca,
      headers: { 'X-Api-Key': sandbox.apiKey, 'Content-Type': 'application/xml; charset=utf-8', ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${sandbox.controlUrl}${path}`, { method, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const SHA = 'a'.repeat(64);
function demande(options: { idMessage?: string; contagieuse?: string; hermetique?: string; pieces?: string[]; dateNaissance?: string } = {}): string {
  const pieces = (options.pieces ?? ['CERTIFICAT_DECES', 'CERTIFICAT_MISE_EN_BIERE']).map((t) => `<Piece><Type>${t}</Type><Empreinte>${SHA}</Empreinte></Piece>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<DemandeAutorisationSanitaire xmlns="urn:ma:sante:rapatriement:v1">
<ReferenceDossier>RAP-MAD-2026-000007</ReferenceDossier><IdMessage>${options.idMessage ?? randomUUID()}</IdMessage>
<Defunt><Nom>ALAOUI</Nom><Prenom>Khadija</Prenom><NomArabe>&#1575;&#1604;&#1593;&#1604;&#1608;&#1610;</NomArabe><DateNaissance>${options.dateNaissance ?? '1948-02-20'}</DateNaissance><Sexe>F</Sexe></Defunt>
<Deces><Date>2026-11-20</Date><Pays>ES</Pays><Ville>Madrid</Ville><Cause><CodeCIM10>I21.9</CodeCIM10></Cause><MaladieContagieuse>${options.contagieuse ?? 'false'}</MaladieContagieuse></Deces>
<Cercueil><Hermetique>${options.hermetique ?? 'true'}</Hermetique><DateFermeture>2026-11-22</DateFermeture><Scelle>SC-1</Scelle></Cercueil>
<Transport><Mode>AIR</Mode><PosteFrontiere>Casablanca Mohammed V</PosteFrontiere><ArriveePrevue>2026-11-24T14:30:00</ArriveePrevue></Transport>
<Pieces>${pieces}</Pieces>
</DemandeAutorisationSanitaire>`;
}

const feed = (depuis: string, page = 1) => call('GET', `/sante/rapatriement/decisions?depuis=${encodeURIComponent(depuis)}&page=${page}`);
const numeros = (xml: string) => [...xml.matchAll(/<Numero>([^<]+)<\/Numero>/g)].map((m) => m[1]);

describe('Health sandbox: requests', () => {
  it('accepts a request with 202 + Accuse, answers a repeated IdMessage with 200 + the same Accuse', async () => {
    const id = randomUUID();
    const first = await call('POST', '/sante/rapatriement/demandes', demande({ idMessage: id }));
    expect(first.status).toBe(202);
    expect(first.headers['content-type']).toMatch(/^application\/xml/);
    expect(first.body).toMatch(/<Accuse xmlns="urn:ma:sante:rapatriement:v1"><Numero>SAN-\d{4}-000001<\/Numero><RecuLe>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}<\/RecuLe><\/Accuse>/);
    const again = await call('POST', '/sante/rapatriement/demandes', demande({ idMessage: id }));
    expect([again.status, again.body]).toEqual([200, first.body]);
    expect(sandbox.register.decisions()).toHaveLength(1);
  });

  it('refuses without the API key (401), a schema violation naming the element, and a DOCTYPE (400)', async () => {
    expect((await call('POST', '/sante/rapatriement/demandes', demande(), { 'X-Api-Key': 'wrong' })).status).toBe(401);
    const invalid = await call('POST', '/sante/rapatriement/demandes', demande({ dateNaissance: '1948-02-30' }));
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('<Erreur champ="DateNaissance">');
    expect(invalid.body).not.toContain('1948-02-30');
    const xxe = await call('POST', '/sante/rapatriement/demandes', demande().replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'));
    expect([xxe.status, xxe.body.includes('champ="document"')]).toEqual([400, true]);
  });

  it('asks for a missing document (400 naming Pieces) and decides by the documented rules', async () => {
    const missing = await call('POST', '/sante/rapatriement/demandes', demande({ pieces: ['CERTIFICAT_DECES'] }));
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('<Erreur champ="Pieces">');
    await call('POST', '/sante/rapatriement/demandes', demande({ contagieuse: 'true' }));
    await call('POST', '/sante/rapatriement/demandes', demande({ contagieuse: 'inconnu' }));
    await call('POST', '/sante/rapatriement/demandes', demande({ hermetique: 'false' }));
    await call('POST', '/sante/rapatriement/demandes', demande());
    expect(sandbox.register.decisions().map((d) => d.statut)).toEqual(['REFUSEE', 'ACCORDEE_SOUS_CONDITIONS', 'REFUSEE', 'ACCORDEE']);
  });
});

describe('Health sandbox: decision feed', () => {
  const base = Date.parse('2026-11-20T09:00:00Z');
  const seed = (n: number) => Array.from({ length: n }, (_, i) => sandbox.register.publish({ referenceDossier: `RAP-${i}`, statut: 'ACCORDEE', decidedAt: new Date(base + i * 60_000) }));

  it('pages in DecideLe order, depuis inclusive, times in Rabat local time, Arabic as character references', async () => {
    seed(4);
    sandbox.register.publish({ referenceDossier: 'RAP-X', statut: 'REFUSEE', motif: 'مرض معد', decidedAt: new Date(base + 10 * 60_000) });
    const first = await feed('2026-11-20T09:00:00Z');
    expect(first.body).toContain('page="1" pages="2"');
    expect(numeros(first.body)).toEqual(['DEC-000001', 'DEC-000002', 'DEC-000003']);
    // Morocco is UTC+1 in November: 09:00Z is 10:00 in Rabat.
    expect(first.body).toContain('<DecideLe>2026-11-20T10:00:00</DecideLe>');
    const second = await feed('2026-11-20T09:00:00Z', 2);
    expect(numeros(second.body)).toEqual(['DEC-000004', 'DEC-000005']);
    expect(second.body).toContain('<Motif>&#1605;&#1585;&#1590; &#1605;&#1593;&#1583;</Motif>');
    const inclusive = await feed('2026-11-20T09:03:00Z');
    expect(numeros(inclusive.body)).toEqual(['DEC-000004', 'DEC-000005']);
    expect(rabatLocal(new Date('2026-11-20T09:03:00Z'))).toBe('2026-11-20T10:03:00');
  });

  it('plays repeated pages, boundary duplicates, malformed entries, reindexing, malformed XML and DOCTYPE on demand', async () => {
    seed(6);
    expect((await control('POST', '/_sandbox/faults', { repeatPage: 1, boundaryDuplicate: 1 })).status).toBe(200);
    const first = await feed('2026-11-20T09:00:00Z');
    expect(numeros((await feed('2026-11-20T09:00:00Z', 2)).body)).toEqual(numeros(first.body));
    expect(numeros((await feed('2026-11-20T09:00:00Z', 2)).body)).toEqual(['DEC-000003', 'DEC-000004', 'DEC-000005', 'DEC-000006']);
    await control('POST', '/_sandbox/faults', { malformedEntry: 1 });
    expect((await feed('2026-11-20T09:00:00Z')).body).toContain('<Statut>INCONNU</Statut>');
    await control('POST', '/_sandbox/faults', { reindexing: true });
    expect((await feed('2026-11-20T09:00:00Z')).body).toContain('pages="0"');
    await control('POST', '/_sandbox/faults', { reindexing: false, malformedXml: 1 });
    expect((await feed('2026-11-20T09:00:00Z')).body).not.toContain('</Decisions>');
    await control('POST', '/_sandbox/faults', { doctype: 1 });
    expect((await feed('2026-11-20T09:00:00Z')).body).toContain('<!DOCTYPE Decisions [<!ENTITY xxe SYSTEM');
    expect((await feed('2026-11-20T09:00:00Z')).body).not.toContain('DOCTYPE');
  });

  it('refuses a bad depuis and an unknown fault switch', async () => {
    expect((await feed('2026-11-20 10:00:00')).status).toBe(400);
    const bad = await control('POST', '/_sandbox/faults', { repeatPage: 1, typo: 1 });
    expect(bad.status).toBe(400);
    expect((await control('GET', '/_sandbox/state')).json.faults).toMatchObject({ repeatPage: 0, latencyMs: 0 });
  });
});
