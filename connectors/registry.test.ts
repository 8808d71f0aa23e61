import { isHubError } from '../broker/errors';
import type { Connector, ConnectorFactory } from './_kit/contract';
import { closeAll, connectAll, createConnectors } from './registry';

/** A protocol that records what it is asked to do: enough to test the registry, which does no I/O. */
function recordingFactory(log: string[], failClose = false): ConnectorFactory<{ endpoint: string; retries: number }> {
  return {
    protocol: 'fake',
    configSchema: {
      type: 'object', additionalProperties: false, required: ['endpoint'],
      properties: { endpoint: { type: 'string' }, retries: { type: 'integer', minimum: 0, default: 3 } },
    },
    create: (config, deps): Connector => ({
      partner: deps.partner,
      protocol: 'fake',
      connect: async () => { log.push(`connect ${deps.partner} ${config.endpoint} ${config.retries} ${deps.configPath}`); },
      send: async () => { throw new Error('unused'); },
      health: async () => ({ ok: true, detail: 'fake' }),
      close: async () => { log.push(`close ${deps.partner}`); if (failClose) throw new Error(`close ${deps.partner} failed`); },
    }),
  };
}

describe('createConnectors', () => {
  it('creates one connector per partner, with its validated config and defaults', async () => {
    const log: string[] = [];
    const connectors = createConnectors({ narsa: { protocol: 'fake', endpoint: 'e1' }, dgsn: { protocol: 'fake', endpoint: 'e2', retries: 0 } }, [recordingFactory(log)]);
    expect([...connectors.keys()]).toEqual(['narsa', 'dgsn']);
    await connectAll(connectors);
    expect(log).toEqual(['connect narsa e1 3 partners.narsa.fake', 'connect dgsn e2 0 partners.dgsn.fake']);
  });

  it('reports every invalid partner at once, naming the fields', () => {
    let caught: unknown;
    try {
      createConnectors({ a: { protocol: 'fake' }, b: { protocol: 'fake', endpoint: 'x', retries: -1 }, c: { protocol: 'ftp' } }, [recordingFactory([])]);
    } catch (error) { caught = error; }
    expect(isHubError(caught) && caught.code).toBe('CONFIG_INVALID');
    expect(isHubError(caught) && caught.message).toBe(
      'partners.a.fake.endpoint: is required; partners.b.fake.retries: must be >= 0; partners.c.protocol: unknown protocol "ftp" (known: fake)');
  });
});

describe('closeAll', () => {
  it('closes every connector even when one fails, then reports the failure', async () => {
    const log: string[] = [];
    const connectors = createConnectors({ a: { protocol: 'fake', endpoint: 'x' }, b: { protocol: 'fake', endpoint: 'y' } }, [recordingFactory(log, true)]);
    await expect(closeAll(connectors)).rejects.toThrow('close a failed');
    expect(log).toEqual(['close a', 'close b']);
  });
});
