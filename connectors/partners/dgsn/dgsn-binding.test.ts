/**
 * The DGSN binding as data: it loads, merges with the hub's deployment settings into a valid REST
 * connector, holds no secret, names only mappings that exist (the hub refuses to start otherwise),
 * and its webhook settings are valid for connectors/webhook.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isHubError } from '../../../broker/errors';
import { validateConnectorConfig } from '../../_kit/config-validation';
import { restConnectorFactory } from '../../rest';
import { closeAll, createConnectors } from '../../registry';
import { webhookConfigSchema, type WebhookReceiverConfig } from '../../webhook';
import { loadPartnerBindings, resolvePartnerConfig, type PartnerBinding } from '../bindings';

async function dgsnBinding(): Promise<PartnerBinding> {
  const binding = (await loadPartnerBindings()).get('dgsn');
  if (!binding) throw new Error('no dgsn binding');
  return binding;
}

describe('DGSN binding', () => {
  it('is REST with the contract calls, OAuth2 token path and a rate limit under 20/s', async () => {
    const binding = await dgsnBinding();
    expect(binding.protocol).toBe('rest');
    expect(binding.connector.operations).toEqual({
      'identity.verify': { method: 'POST', path: '/dgsn/api/v2/identity/verifications', body: '$', answers: [200] },
      'transport.notify': { method: 'POST', path: '/dgsn/api/v2/remains-transports', body: '$', answers: [202] },
      'transport.get': { method: 'GET', path: '/dgsn/api/v2/remains-transports/{transportId}', answers: [200, 404] },
    });
    expect(binding.connector.oauth2).toEqual({ tokenUrl: '/dgsn/oauth/token', refreshBeforeExpirySeconds: 30 });
    expect(binding.connector.rateLimit).toEqual({ perSecond: 18, burst: 1 });
  });

  it('holds no credentials: they come from the hub configuration', () => {
    const raw = readFileSync(join(__dirname, 'binding.json'), 'utf8');
    expect(raw).not.toMatch(/"clientId"|"clientSecret"|"secret"|"baseUrl"/);
  });

  it('names only mappings that exist under mappings/partners (the hub will not start otherwise)', async () => {
    const binding = await dgsnBinding();
    const dir = resolve(__dirname, '..', '..', '..', 'mappings', 'partners');
    for (const [operation, names] of Object.entries(binding.mappings)) {
      for (const name of [names.request, names.answer].filter((n): n is string => n !== undefined)) {
        expect([operation, existsSync(join(dir, `${name}.yaml`))]).toEqual([operation, true]);
      }
    }
  });

  it('becomes a valid REST connector once the hub supplies baseUrl and the client credentials', async () => {
    const binding = await dgsnBinding();
    const config = resolvePartnerConfig(binding, { baseUrl: 'https://dgsn.example', oauth2: { clientId: 'hub', clientSecret: 'from-the-vault' } });
    const connectors = createConnectors({ dgsn: config }, [restConnectorFactory]);
    expect(connectors.get('dgsn')?.partner).toBe('dgsn');
    await closeAll(connectors);
  });

  it('without the client secret the merged config names what is missing', async () => {
    const binding = await dgsnBinding();
    try {
      createConnectors({ dgsn: resolvePartnerConfig(binding, { baseUrl: 'https://dgsn.example', oauth2: { clientId: 'hub' } }) }, [restConnectorFactory]);
    } catch (error) {
      expect(isHubError(error) && error.message).toBe('partners.dgsn.rest.oauth2.clientSecret: is required');
      return;
    }
    throw new Error('expected CONFIG_INVALID');
  });

  it('webhook.json, with the secret from the hub configuration, is a valid webhook receiver config', () => {
    // replyAction is the hub's (app/webhooks.ts takes it off before building the receiver), not the receiver's.
    const { $comment: _comment, replyAction: _replyAction, ...settings } = JSON.parse(readFileSync(join(__dirname, 'webhook.json'), 'utf8')) as Record<string, unknown>;
    expect(settings).not.toHaveProperty('secret');
    const config = validateConnectorConfig<WebhookReceiverConfig>(webhookConfigSchema, { ...settings, secret: 'a-secret-from-the-vault' }, 'partners.dgsn.webhook');
    expect(config).toMatchObject({ path: '/partners/dgsn/events', timestampHeader: 'X-DGSN-Timestamp', signatureHeader: 'X-DGSN-Signature', toleranceSeconds: 300 });
  });
});
