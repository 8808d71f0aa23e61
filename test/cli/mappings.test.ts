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
});
