import { isHubError } from '../../broker/errors';
import type { ConfigSchema } from './config-schema-types';
import { describeConfigPath, validateConnectorConfig } from './config-validation';

const schema: ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl'],
  properties: {
    baseUrl: { type: 'string', description: 'Where.' },
    timeoutMs: { type: 'integer', minimum: 1, default: 5000 },
    password: { type: 'string', secret: true },
    limits: { type: 'object', default: {}, additionalProperties: false, properties: { perSecond: { type: 'number', default: 10 } } },
    operations: {
      type: 'object',
      additionalProperties: { type: 'object', properties: { method: { type: 'string', enum: ['GET', 'POST'] } }, required: ['method'] },
    },
  },
};

function failure(config: unknown): { message: string; paths: string[] } {
  try {
    validateConnectorConfig(schema, config, 'partners.narsa.rest');
  } catch (error) {
    if (isHubError(error) && error.code === 'CONFIG_INVALID') return { message: error.message, paths: (error.errors ?? []).map((e) => e.path) };
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('validateConnectorConfig', () => {
  it('applies defaults, nested ones included, on a copy', () => {
    const given = { baseUrl: 'https://x' };
    const config = validateConnectorConfig<Record<string, unknown>>(schema, given, 'partners.narsa.rest');
    expect(config).toEqual({ baseUrl: 'https://x', timeoutMs: 5000, limits: { perSecond: 10 } });
    expect(given).toEqual({ baseUrl: 'https://x' });
  });

  it('names the field and the rule an operator has to fix', () => {
    expect(failure({ baseUrl: 'https://x', timeoutMs: 0 }).message).toBe('partners.narsa.rest.timeoutMs: must be >= 1');
  });

  it('reports every problem at once: missing, unknown, wrong enum in a map entry', () => {
    const { message, paths } = failure({ timeotMs: 5, operations: { 'licence.verify': { method: 'FETCH' } } });
    expect(paths).toEqual(expect.arrayContaining([
      'partners.narsa.rest.baseUrl',
      'partners.narsa.rest.timeotMs',
      'partners.narsa.rest.operations["licence.verify"].method',
    ]));
    expect(message).toContain('partners.narsa.rest.baseUrl: is required');
    expect(message).toContain('partners.narsa.rest.timeotMs: is not a known setting');
    expect(message).toContain('partners.narsa.rest.operations["licence.verify"].method: must be one of "GET", "POST"');
  });

  it('never echoes a value, so a secret put in the wrong place does not leak', () => {
    const { message } = failure({ baseUrl: 'https://x', password: 123456789 });
    expect(message).toBe('partners.narsa.rest.password: must be string');
    expect(message).not.toContain('123456789');
  });

  it('rejects a config that is not an object', () => {
    expect(failure(undefined).message).toContain('partners.narsa.rest: must be object');
  });
});

describe('describeConfigPath', () => {
  it('renders indices and odd keys readably', () => {
    expect(describeConfigPath('p', '/answers/0')).toBe('p.answers[0]');
    expect(describeConfigPath('p', '/a~1b')).toBe('p["a/b"]');
    expect(describeConfigPath('', '/timeoutMs')).toBe('timeoutMs');
  });
});
