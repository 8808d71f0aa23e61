/**
 * An independent SOAP toolkit loads our callback WSDL and calls the service: Python's zeep
 * (Debian package python3-zeep; CI installs it). Fails with a clear message when zeep is missing.
 * The interpreter is HUB_PYTHON if set, else the first of `python3`, `/usr/bin/python3` that has zeep
 * (the Debian package installs it for the system Python, which a pyenv shim may hide).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSoapCallbackServer, type CallbackRecord, type SoapCallbackServer } from '.';
import { readWsdl } from '../wsdl';

const WSDL = readFileSync(join(__dirname, '..', '..', 'partners', 'interior', 'consular-callback.wsdl'), 'utf8');
const SCRIPT = join(__dirname, '..', 'testing', 'zeep_call.py');
const CREDENTIALS = { username: 'mi-etatcivil', password: 'zeep-secret' };

function pythonWithZeep(): string {
  const candidates = process.env.HUB_PYTHON ? [process.env.HUB_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import zeep'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return python;
  }
  throw new Error(`zeep is not installed for ${candidates.join(' nor ')}: install the Debian package python3-zeep (CI does), or point HUB_PYTHON at a Python that has zeep`);
}

const stored = new Map<string, CallbackRecord>();
let server: SoapCallbackServer;

beforeAll(async () => {
  server = await createSoapCallbackServer({
    port: 0, wsdl: WSDL, credentials: CREDENTIALS,
    onCallback: async (record) => {
      const inserted = !stored.has(record.messageId);
      if (inserted) stored.set(record.messageId, record);
      return { inserted };
    },
  });
});
afterAll(async () => { await server.close(); });

/** Asynchronous on purpose: the server answers from this process's event loop, which spawnSync would block. */
function runScript(python: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('our WSDLs read by an independent toolkit (zeep)', () => {
  const wsdls = [
    join(__dirname, '..', '..', 'partners', 'interior', 'burial-service.wsdl'),
    join(__dirname, '..', '..', 'partners', 'interior', 'consular-callback.wsdl'),
    join(__dirname, '..', '..', '..', 'sandbox', 'interior', 'burial-service.wsdl'),
  ];
  it.each(wsdls.map((w) => [w.split('/').slice(-3).join('/'), w]))('zeep and our reader see the same operations in %s', async (_name, wsdlPath) => {
    const python = pythonWithZeep();
    const run = await runScript(python, [join(__dirname, '..', 'testing', 'zeep_operations.py'), wsdlPath]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const ours = Object.fromEntries([...readWsdl(readFileSync(wsdlPath, 'utf8')).operations.values()].map((op) => [op.name, { soapAction: op.soapAction, input: op.inputElement }]));
    expect(JSON.parse(run.stdout)).toEqual(ours);
  }, 120_000);
});

describe('callback WSDL with an independent toolkit (zeep)', () => {
  it('zeep loads the WSDL, signs with a PasswordDigest token, and the callback is stored and acknowledged', async () => {
    const python = pythonWithZeep();
    const id = randomUUID();
    const run = await runScript(python, [SCRIPT, `${server.url}?wsdl`, CREDENTIALS.username, CREDENTIALS.password, id]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ id, requestHash: stored.get(id)?.requestHash, receivedAt: expect.stringMatching(/^2\d{3}-\d{2}-\d{2}T/) });
    expect(stored.get(id)).toMatchObject({
      operation: 'NotifyBurialAuthorisationDecision', caseReference: 'REP-MAD-2026-000042',
      payload: { ticket: 'MI-INH-2026-000042', decision: 'REFUSED', reason: 'IDENTITY_MISMATCH' },
    });
  }, 120_000);
});
