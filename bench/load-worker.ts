/**
 * The load generator, run as a child process of the bench so that autocannon does not share the hub's event loop.
 * Receives one `LoadJob`, runs a warm-up then the measured run, answers one `LoadReply` and exits.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { isLoadJob, type LoadJob, type LoadReply, type LoadSummary } from './load-protocol';

function summarise(r: autocannon.Result, cpu: NodeJS.CpuUsage): LoadSummary {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count;
  const l = r.latency;
  return {
    seconds: r.duration, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, statusCodes,
    rps: r.duration > 0 ? r['2xx'] / r.duration : 0,
    slowestSecond: r.requests.min,
    latencyMs: { mean: l.mean, p50: l.p50, p90: l.p90, p97_5: l.p97_5, p99: l.p99, max: l.max },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** POST /api/v1/requests with a fresh Idempotency-Key on every request: each one is a new submission. */
function submissions(job: LoadJob, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({
      url: job.url,
      connections: job.connections,
      duration: seconds,
      timeout: 10,
      requests: [{
        method: 'POST',
        path: '/api/v1/requests',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
        body: job.body,
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }),
      }],
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function measure(job: LoadJob, seconds: number): Promise<LoadSummary> {
  const start = process.cpuUsage();
  const result = await submissions(job, seconds);
  return summarise(result, process.cpuUsage(start));
}

async function run(job: LoadJob): Promise<LoadReply> {
  const warmup = await measure(job, job.warmupSeconds);
  process.send?.({ type: 'measuring' } satisfies LoadReply);
  const measured = await measure(job, job.durationSeconds);
  return { type: 'result', warmup, measured };
}

/** The last message: the process exits once it is sent. */
function reply(message: LoadReply): void {
  process.send?.(message, undefined, undefined, () => process.exit(0));
}

process.once('message', (message: unknown) => {
  if (!isLoadJob(message)) {
    reply({ type: 'error', message: 'the load worker expects one LoadJob message' });
    return;
  }
  run(message).then(reply, (err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
});
