import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export interface Profiler {
  /** Stops profiling and writes the profile; returns its path. */
  stop(): Promise<string>;
}

/**
 * A V8 CPU profile of this process (the hub) from now until `stop()`, written to `<dir>/<name>.cpuprofile`:
 * unlike `node --cpu-prof`, it leaves out the start-up and the baseline phase. Read it with profile-summary.js or
 * Chrome DevTools.
 */
export async function startProfiler(dir: string, name: string): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}
