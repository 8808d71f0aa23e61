import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load';

type Json = Record<string, unknown>;
interface RunFile { sandbox?: Record<string, { control: string }> }

/** The running hub's sandbox agencies, from the run file it wrote into the data dir. */
function runningSandboxes(): Record<string, { control: string }> {
  const config = loadConfig();
  const runFile = path.join(config.dataDir, 'run', 'hub.json');
  if (!existsSync(runFile)) throw new Error(`no running hub found under ${config.dataDir} (start it with npm start, or set HUB_DATA_DIR)`);
  return (JSON.parse(readFileSync(runFile, 'utf8')) as RunFile).sandbox ?? {};
}

/**
 * An agency's control URL. An agency with several servers has one control endpoint each (`narsa` for REST,
 * `narsa-sftp` for batches): a command unknown to the first is tried on the others of the same agency.
 */
function controlUrls(agency: string): string[] {
  const all = runningSandboxes();
  const urls = Object.entries(all).filter(([name]) => name === agency || name.startsWith(agency + '-')).map(([, a]) => a.control);
  if (urls.length === 0) throw new Error(`the running hub has no sandbox agency "${agency}" (known: ${Object.keys(all).join(', ') || 'none'})`);
  return urls;
}

function typed(value: string): unknown {
  return /^-?\d+$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
}

/** `key=value` pairs and `--key value` options as JSON: numbers and booleans typed, `always` kept as a string. */
export function parseSwitches(args: string[]): Json {
  const out: Json = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2);
      const next = args[i + 1];
      if (inline !== undefined) out[key] = typed(inline);
      else if (next !== undefined && !next.startsWith('--')) { out[key] = typed(next); i++; } else out[key] = true;
      continue;
    }
    const [key, ...rest] = arg.split('=');
    if (!key || rest.length === 0) throw new Error(`expected key=value or --key value, got "${arg}"`);
    out[key] = typed(rest.join('='));
  }
  return out;
}

/**
 * `hub sandbox <agency> <command> [switches]`: `state` and `received` read, `faults k=v…` and `reset` set, any other
 * command is a trigger the agency offers (`run-night`, `publish-lot --count 3`): `POST /_sandbox/<command>`.
 */
export async function runSandboxCommand(agency: string, command: string, args: string[]): Promise<void> {
  const body = parseSwitches(args);
  const get = command === 'state' || command === 'received';
  let last: { status: number; text: string } | undefined;
  for (const base of controlUrls(agency)) {
    const res = await fetch(`${base}/_sandbox/${encodeURIComponent(command)}`, {
      method: get ? 'GET' : 'POST', headers: get ? {} : { 'content-type': 'application/json' }, body: get ? undefined : JSON.stringify(body),
    });
    last = { status: res.status, text: await res.text() };
    if (res.status !== 404) break;
  }
  const text = last?.text ?? '';
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  if (!last || last.status >= 400) process.exitCode = 1;
}
