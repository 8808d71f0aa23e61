import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HUB_BIN = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'hub.js');
const MAPPINGS = path.resolve(__dirname, '..', '..', 'mappings');

/** The engineers' mapping tools, on a copy of the mappings they are changing. */
describe('hub mappings', () => {
  let dir: string;
  const hub = (...args: string[]) => spawnSync(process.execPath, [HUB_BIN, 'mappings', ...args], { env: { ...process.env, HUB_MAPPINGS_DIR: dir }, encoding: 'utf8' });

  beforeAll(() => { if (!existsSync(HUB_BIN)) throw new Error('dist/cli/hub.js is missing: run `npm run build` first (npm test does)'); });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mappings-'));
    cpSync(MAPPINGS, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the golden examples of an untouched copy, for all and for one partner', () => {
    expect(hub('test')).toMatchObject({ status: 0, stdout: expect.stringMatching(/\d+ passed, 0 failed/) });
    expect(hub('test', 'narsa').status).toBe(0);
  });

  it('shows what a mapping change broke, field by field, and exits 1', () => {
    const file = path.join(dir, 'partners', 'narsa', 'licence-check.in.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('issuingCentre: { from: body.centreEmetteur }', 'issuingCentre: { from: body.centre }'));
    const res = hub('test', 'narsa');
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/FAIL narsa\/licence-check\.test\.yaml — /);
    expect(res.stdout).toMatch(/expected a value, got errors:\n {4}\/issuingCentre: is required/);
  });

  it('check names the file and line of a broken mapping', () => {
    const file = path.join(dir, 'partners', 'narsa', 'licence-check.in.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('code: narsa-licence-status', 'code: no-such-table'));
    const res = hub('check');
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/mappings\/partners\/narsa\/licence-check\.in\.yaml:\d+: .*no-such-table/);
    const line = Number(/licence-check\.in\.yaml:(\d+):/.exec(res.stdout)?.[1]);
    expect(readFileSync(file, 'utf8').split('\n').slice(line - 2, line + 1).join('\n')).toMatch(/no-such-table|statut/);
  });

  it('run prints the mapped value, or the errors with their paths', () => {
    const fixtures = path.join(dir, 'partners', 'narsa', 'fixtures');
    const ok = hub('run', 'narsa/licence-check.in', path.join(fixtures, 'amina-el-fassi-valide.json'));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ outcome: 'valid', licenceNumber: '12/345678' });
    const bad = hub('run', 'narsa/licence-check.in', path.join(fixtures, 'statut-inconnu.json'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^\/outcome.*/m);
  });

  describe('outbound mappings', () => {
    const out = () => path.join(dir, 'partners', 'narsa', 'licence-check.out.yaml');
    const schema = () => path.join(dir, 'partners', 'narsa', 'schemas', 'licence-check-request.schema.json');
    /** The line a check message names in licence-check.out.yaml, and that line of `text`. */
    const lineNamed = (stdout: string, pattern: RegExp, text: string): string => {
      const found = stdout.split('\n').find((l) => pattern.test(l));
      if (!found) throw new Error(`no ${pattern.source} in:\n${stdout}`);
      const line = Number(/licence-check\.out\.yaml:(\d+):/.exec(found)?.[1]);
      return text.split('\n')[line - 1];
    };

    it('test and run take an outbound mapping by its id', () => {
      expect(hub('test', 'narsa/licence-check.out')).toMatchObject({ status: 0, stdout: expect.stringMatching(/[1-9]\d* passed, 0 failed \(1 golden file\)/) });
      const payload = path.join(dir, 'payload.json');
      writeFileSync(payload, JSON.stringify({ licenceNumber: '12/345678', holder: { cnie: 'BK123456', birthDate: '1990-04-12', familyName: 'EL FASSI' } }));
      const res = hub('run', 'narsa/licence-check.out', payload);
      expect(res.status).toBe(0);
      expect(JSON.parse(res.stdout)).toEqual({ licenceNumber: '12/345678', cnie: 'BK123456', birthDate: '1990-04-12' });
    });

    it('check refuses an open partner schema, naming the file and line', () => {
      writeFileSync(schema(), readFileSync(schema(), 'utf8').replace('"type": "object",\n  "additionalProperties": false,', '"type": "object",'));
      const res = hub('check');
      expect(res.status).toBe(1);
      expect(res.stdout).toMatch(/mappings\/partners\/narsa\/schemas\/licence-check-request\.schema\.json:\d+: \/ an object of a partner message must be closed \(additionalProperties: false\)/);
    });

    it('check names the file, line and target of an unknown target field and a missing code table', () => {
      const text = readFileSync(out(), 'utf8')
        .replace('  cnie: { from: holder.cnie }', '  cnie: { from: holder.cnie, code: no-such-table, reverse: true }\n  email: { from: holder.email }');
      writeFileSync(out(), text);
      const res = hub('check');
      expect(res.status).toBe(1);
      expect(lineNamed(res.stdout, /\/fields\/email \(target \/email\) the target has no field \/email/, text)).toMatch(/^ {2}email:/);
      expect(lineNamed(res.stdout, /\/fields\/cnie \(target \/cnie\) no code table named no-such-table/, text)).toMatch(/^ {2}cnie:/);
    });

    it('check refuses a from: path the declared input schema does not have', () => {
      // The payload's holder.cnie is not where licence-verification keeps it (holder.identifiers.cnie).
      const text = readFileSync(out(), 'utf8').replace('target: partner:narsa/licence-check-request', 'target: partner:narsa/licence-check-request\ninput: licence-verification');
      writeFileSync(out(), text);
      const res = hub('check');
      expect(res.status).toBe(1);
      expect(lineNamed(res.stdout, /\(target \/cnie\) the input licence-verification has no field holder\.cnie/, text)).toMatch(/^ {2}cnie: \{ from: holder\.cnie/);
      // licenceNumber and holder.birthDate are in licence-verification: not reported.
      expect(res.stdout).not.toMatch(/no field (licenceNumber|holder\.birthDate)/);
    });
  });
});
