import { loadConfig } from '../config/load';
import { kebab, startEmbedded } from '../app/embedded';

/** `hub start`: embedded by default (PGlite + sandbox agencies); with DATABASE_URL, a server node without them. */
export async function runStart(): Promise<void> {
  const embedded = !process.env.DATABASE_URL;
  const config = loadConfig({ sandbox: { enabled: embedded } });
  const running = await startEmbedded(config);
  const out = (s: string) => process.stdout.write(s + '\n');
  out('');
  out(`eConsulat hub ready (${embedded ? 'embedded: PGlite under ' + config.dataDir : 'server: PostgreSQL'}${config.transporter ? ', transporter ' + config.transporter.replace(/\/\/.*@/, '//') : ''})`);
  out(`  portal API   ${running.hub.url}/api/v1   (OpenAPI: ${running.hub.url}/api/v1/openapi.json)`);
  for (const [agency, a] of Object.entries(running.sandboxes ?? {})) out(`  sandbox  ${kebab(agency).padEnd(10)} ${a.url}  (control: ${a.controlUrl}/_sandbox/state)`);
  for (const w of running.hub.webhooks) out(`  webhook  ${w.partner.padEnd(10)} ${w.url}`);
  for (const c of running.hub.soapCallbacks) out(`  callback ${c.partner.padEnd(10)} ${c.url}?wsdl`);
  out(`  token        npx hub token --role citizen --sub amina   |   npx hub token --role agent --post CG-PARIS`);
  out('');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, stopping\n`);
    running.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
