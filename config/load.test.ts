import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './load';
import { loadPosts, loadServiceCatalogue } from './catalogue';

describe('configuration', () => {
  it('applies the defaults of embedded mode', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({ port: 3000, logLevel: 'info', outbox: { enabled: true, batchSize: 20, retry: { maxAttempts: 8, jitter: 'full' } } });
    expect(c.databaseUrl).toBeUndefined();
    expect(path.isAbsolute(c.dataDir)).toBe(true);
  });

  it('takes the environment over the file over the defaults', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'hub.json');
    writeFileSync(file, JSON.stringify({ port: 4000, logLevel: 'debug', outbox: { batchSize: 5 } }));
    const c = loadConfig({ port: 1 }, { HUB_CONFIG: file, PORT: '5000', DATABASE_URL: 'postgres://db/hub', AMQP_URL: 'amqp://mq' });
    expect(c).toMatchObject({ port: 5000, logLevel: 'debug', databaseUrl: 'postgres://db/hub', amqpUrl: 'amqp://mq', outbox: { batchSize: 5 } });
  });

  it('stops with a message naming each wrong field', () => {
    expect(() => loadConfig({}, { PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/config: \/port must be integer.*\/databaseUrl must match.*\/logLevel must be equal to one of/s) }),
    );
    expect(() => loadConfig({ outbox: { batchSize: 0, surprise: true } }, {})).toThrow(/\/outbox\/surprise is not an allowed property.*\/outbox\/batchSize must be >= 1/s);
  });

  it('loads the posts and the service catalogue, each service in all four languages', () => {
    expect(loadPosts().map((p) => p.code)).toEqual(['CG-PARIS', 'CG-BRUXELLES', 'CG-MADRID', 'CG-MONTREAL', 'CG-DUBAI']);
    const services = loadServiceCatalogue();
    expect(services.map((s) => s.code)).toContain('licence-authentication');
    for (const s of services) expect(Object.keys(s.labels)).toEqual(expect.arrayContaining(['ar', 'fr', 'en', 'es']));
  });

  it('refuses a service definition whose action uses a status the service does not list', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cat-'));
    const def = JSON.parse(JSON.stringify(loadServiceCatalogue().find((s) => s.code === 'licence-authentication')));
    def.actions.approve.to = 'in-review';
    writeFileSync(path.join(dir, 'x.json'), JSON.stringify(def));
    expect(() => loadServiceCatalogue(dir)).toThrow(/\/actions\/approve uses status "in-review"/);
  });
});
