/**
 * Where the time of a V8 CPU profile went (`node --cpu-prof dist/bench/run.js` writes one per process):
 * self time by package or hub folder, self time by function, and inclusive time of the hottest functions.
 * Usage: node dist/bench/profile-summary.js <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] }

/** `node_modules/<pkg>` (scoped too), a hub folder, `node:` internals, or the V8 pseudo-frames. */
function owner(url: string, functionName: string): string {
  if (url === '') return `(${functionName || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const hub = /\/dist\/([^/]+)\//.exec(url);
  return hub ? `hub:${hub[1]}` : url;
}

function frameName(f: CallFrame): string {
  const file = f.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '');
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function summarise(profile: CpuProfile, n: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const total = profile.samples.length;
  const self = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    add(self, frameName(node.callFrame), hits);
    add(byOwner, owner(node.callFrame.url, node.callFrame.functionName), hits);
  }
  // Inclusive: each function counted once per stack, however deep it recurses.
  const walk = (id: number, onStack: Map<string, number>): number => {
    const node = byId.get(id);
    if (!node) return 0;
    const name = frameName(node.callFrame);
    onStack.set(name, (onStack.get(name) ?? 0) + 1);
    let hits = node.hitCount ?? 0;
    for (const child of node.children ?? []) hits += walk(child, onStack);
    onStack.set(name, (onStack.get(name) ?? 1) - 1);
    if ((onStack.get(name) ?? 0) === 0) add(inclusive, name, hits);
    return hits;
  };
  walk(profile.nodes[0].id, new Map());
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  return [
    `${total} samples over ${seconds.toFixed(1)} s`,
    '', 'self time by package / hub folder:', ...top(byOwner, total, n),
    '', 'self time by function:', ...top(self, total, n),
    '', 'inclusive time by function:', ...top(inclusive, total, n),
  ].join('\n');
}

const [file, count] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top=25]');
  process.exitCode = 2;
} else {
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(count ?? 25)));
}
