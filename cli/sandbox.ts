import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load';

type Json = Record<string, unknown>;

/** The running hub's sandbox control URLs, from the run file it wrote into the data dir. */
function controlUrl(agency: string): string {
  const config = loadConfig();
  const runFile = path.join(config.dataDir, 'run', 'hub.json');
  if (!existsSync(runFile)) throw new Error(`no running hub found under ${config.dataDir} (start it with npm start, or set HUB_DATA_DIR)`);
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as { sandbox?: Record<string, { control: string }> };
  const entry = run.sandbox?.[agency];
  if (!entry) throw new Error(`the running hub has no sandbox agency "${agency}" (known: ${Object.keys(run.sandbox ?? {}).join(', ') || 'none'})`);
  return entry.control;
}

/** `key=value` pairs as JSON: numbers and booleans typed, `always` kept as a string. */
function parseSwitches(args: string[]): Json {
  const out: Json = {};
  for (const arg of args) {
    const [key, ...rest] = arg.split('=');
    const value = rest.join('=');
    if (!key || rest.length === 0) throw new Error(`expected key=value, got "${arg}"`);
    out[key] = /^-?\d+$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
  }
  return out;
}

/** `hub sandbox <agency> state|received|reset|faults k=v…`: the control endpoint, from the command line. */
export async function runSandboxCommand(agency: string, command: string, args: string[]): Promise<void> {
  const base = controlUrl(agency);
  const routes: Record<string, { method: 'GET' | 'POST'; path: string; body?: Json }> = {
    state: { method: 'GET', path: '/_sandbox/state' },
    received: { method: 'GET', path: '/_sandbox/received' },
    reset: { method: 'POST', path: '/_sandbox/reset' },
    faults: { method: 'POST', path: '/_sandbox/faults', body: parseSwitches(args) },
    'run-night': { method: 'POST', path: '/_sandbox/run-night' },
  };
  const route = routes[command];
  if (!route) throw new Error(`unknown sandbox command "${command}" (known: ${Object.keys(routes).join(', ')})`);
  const res = await fetch(base + route.path, {
    method: route.method, headers: route.body ? { 'content-type': 'application/json' } : {}, body: route.body ? JSON.stringify(route.body) : undefined,
  });
  const text = await res.text();
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  if (!res.ok) process.exitCode = 1;
}
