import path from 'node:path';
import { loadConfig } from '../config/load';
import { issueToken, isRole, loadOrCreateSigningKeys } from '../portal-adapter/auth';

export async function runToken(opts: { role: string; post?: string; sub?: string; ttl: string }): Promise<void> {
  if (!isRole(opts.role)) throw new Error(`--role must be citizen, agent, supervisor or engineer`);
  const config = loadConfig();
  const keys = await loadOrCreateSigningKeys(path.join(config.dataDir, 'keys'));
  const token = await issueToken({
    privateKeyPem: keys.privateKeyPem, role: opts.role, post: opts.post, sub: opts.sub ?? `${opts.role}-demo`, ttlSeconds: Number(opts.ttl),
    issuer: config.portal.tokenIssuer, audience: config.portal.tokenAudience,
  });
  process.stdout.write(token + '\n');
}
