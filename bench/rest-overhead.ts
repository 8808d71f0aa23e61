/**
 * Issue 4: what the hub adds to one NARSA licence check. In the same process and against the same NARSA REST
 * sandbox (mutual TLS), alternately:
 *  - direct: a plain node:https GET on a keep-alive agent holding the hub's client certificate (with the
 *    `X-Message-Id` header NARSA requires), body read and parsed;
 *  - through the hub: an outbox row is committed, then the hub's outbox relay (`OutboxRelay.runOnce`, batch size 1,
 *    the local dispatcher, `deliverMessage`) claims it, the REST connector calls NARSA, and the answer is stored in
 *    the inbox (with the two ledger entries and the outbox row marked delivered) in one transaction. Timed from the
 *    insert's commit to that transaction's commit. Inbox processing (`afterPass`, applying the answer to the
 *    request) is not part of it.
 * Calls are sequential and spaced (`spacingMs` between any two calls, 120 ms by default: at most 8.3 requests/s
 * against NARSA's 10/s, and each hub call 240 ms after the previous one, so the connector's own limiter, 9/s with a
 * burst of 1, never makes it wait). A 429 or any other failure fails the run.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import type { RetryPolicy } from '../config/schema';
import { createPartnerMappings } from '../app/answer-mapper';
import { createLocalDispatcher } from '../broker/outbox/local-dispatcher';
import { OutboxRelay, type Dispatcher } from '../broker/outbox/relay';
import { loadPartnerBindings, resolvePartnerConfig } from '../connectors/partners/bindings';
import { closeAll, connectAll, createConnectors } from '../connectors/registry';
import { restConnectorFactory } from '../connectors/rest';
import type { Connector, ConnectorFactory } from '../connectors/_kit/contract';
import { runMigrations } from '../db/migrate';
import { startNarsaSandbox } from '../sandbox';
import { createBenchDatabase } from './database';

export interface RestOverheadResult {
  calls: number;
  directMs: { p50: number; p90: number };
  hubMs: { p50: number; p90: number };
  /** Median of the hub path minus median of the direct call. */
  addedMs: number;
  /** Medians of the hub path's parts: the claim (relay pass minus dispatch), the connector's call, the rest of delivery (the store transaction). */
  partsMs: { claim: number; partnerCall: number; store: number };
  /** SQL statements the hub path sent per check (BEGIN and COMMIT included), counted with knex's query event. */
  statementsPerCheck: number;
  /** A bare PostgreSQL round trip (`SELECT 1` on the same pool), and a one-row insert committed on its own, p50. */
  roundTripMs: number;
  commitMs: number;
}

const LICENCE = { licenceNumber: '12/345678', holder: { cnie: 'BK123456', birthDate: '1990-04-12' } };
const RETRY: RetryPolicy = { baseMs: 1000, maxMs: 60000, factor: 2, jitter: 'full', maxAttempts: 5 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

function directGet(agent: https.Agent, url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent, headers: { accept: 'application/json', 'x-message-id': randomUUID() } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve(res.statusCode ?? 0);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export async function runRestOverhead(opts: { serverUrl: string; calls: number; warmup: number; spacingMs: number }): Promise<RestOverheadResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-narsa-rest-'));
  const narsa = await startNarsaSandbox({ dataDir, port: 0, controlPort: 0 });
  const db = await createBenchDatabase(opts.serverUrl);
  const k = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 10 } });
  const tls = { caPath: narsa.pki.caCertPath, certPath: narsa.pki.clientCertPath, keyPath: narsa.pki.clientKeyPath };
  const binding = (await loadPartnerBindings()).get('narsa');
  if (!binding) throw new Error('connectors/partners/narsa/binding.json is missing');
  const connectors = createConnectors({ narsa: resolvePartnerConfig(binding, { baseUrl: narsa.url, tls }) }, [restConnectorFactory as ConnectorFactory]);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(tls.caPath), cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) });
  try {
    await runMigrations(k);
    await connectAll(connectors);
    const quiet = { error: () => undefined, info: () => undefined, warn: () => undefined };
    // The same relay and dispatcher as the hub's, with stopwatches around the dispatch and the connector's call.
    const narsaConnector = connectors.get('narsa') as Connector;
    let sendMs = 0;
    let dispatchMs = 0;
    const timedConnector = { send: async (m: Parameters<Connector['send']>[0]) => {
      const t0 = process.hrtime.bigint();
      try { return await narsaConnector.send(m); } finally { sendMs = Number(process.hrtime.bigint() - t0) / 1e6; }
    } } as unknown as Connector;
    // As the hub does since the bindings name request mappings: the canonical payload is mapped at delivery (licence-check.out).
    const { requests } = await createPartnerMappings([binding]);
    const local = createLocalDispatcher({ db: k, connectorFor: (p) => (p === 'narsa' ? timedConnector : undefined), retry: RETRY, requests, log: quiet });
    const dispatcher: Dispatcher = { claimAs: local.claimAs, async dispatch(messages) {
      const t0 = process.hrtime.bigint();
      try { await local.dispatch(messages); } finally { dispatchMs = Number(process.hrtime.bigint() - t0) / 1e6; }
    } };
    const relay = new OutboxRelay({ db: k, batchSize: 1, leaseMs: 30000, pollIntervalMs: 1000, log: quiet, dispatcher });
    const parts = { claim: [] as number[], partnerCall: [] as number[], store: [] as number[] };
    const roundTrips: number[] = [];
    const commits: number[] = [];
    let statements = 0;
    k.on('query', () => { statements += 1; });
    await k.raw('CREATE TABLE bench_commit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
    let measuredStatements = 0;
    const url = new URL(`${narsa.url}/narsa/v1/permis/${encodeURIComponent(LICENCE.licenceNumber)}?cnie=${LICENCE.holder.cnie}&dateNaissance=${LICENCE.holder.birthDate}`);
    const direct: number[] = [];
    const hub: number[] = [];
    for (let i = 0; i < opts.warmup + opts.calls; i++) {
      let t = process.hrtime.bigint();
      const status = await directGet(agent, url);
      const directMs = Number(process.hrtime.bigint() - t) / 1e6;
      if (status !== 200) throw new Error(`direct call ${i}: HTTP ${status}`);
      await sleep(opts.spacingMs);

      const id = randomUUID();
      await k('outbox').insert({ id, case_reference: `LIC-BEN-2026-${String(i).padStart(6, '0')}`, partner: 'narsa', operation: 'licence.verify', payload: JSON.stringify(LICENCE) });
      t = process.hrtime.bigint(); // the insert has committed (autocommit)
      const before = statements;
      const claimed = await relay.runOnce();
      const hubMs = Number(process.hrtime.bigint() - t) / 1e6;
      const used = statements - before;
      const row = await k('outbox').where({ id }).first('status');
      if (claimed !== 1 || row?.status !== 'delivered') throw new Error(`hub call ${i}: claimed ${claimed}, outbox status ${String(row?.status)}`);
      await sleep(opts.spacingMs);
      t = process.hrtime.bigint();
      await k.raw('SELECT 1');
      const roundTripMs = Number(process.hrtime.bigint() - t) / 1e6;
      t = process.hrtime.bigint();
      await k.raw('INSERT INTO bench_commit DEFAULT VALUES');
      const commitMs = Number(process.hrtime.bigint() - t) / 1e6;
      if (i >= opts.warmup) {
        measuredStatements += used;
        roundTrips.push(roundTripMs);
        commits.push(commitMs);
        direct.push(directMs);
        hub.push(hubMs);
        parts.claim.push(hubMs - dispatchMs);
        parts.partnerCall.push(sendMs);
        parts.store.push(dispatchMs - sendMs);
      }
    }
    const answers = await k('inbox').select(k.raw(`payload->>'status' AS status`)).count({ n: '*' }).groupBy(k.raw(`payload->>'status'`));
    if (answers.length !== 1 || String(answers[0].status) !== '200') throw new Error(`inbox answers: ${JSON.stringify(answers)}`);
    direct.sort((a, b) => a - b);
    hub.sort((a, b) => a - b);
    const d = { p50: quantile(direct, 0.5), p90: quantile(direct, 0.9) };
    const h = { p50: quantile(hub, 0.5), p90: quantile(hub, 0.9) };
    const median = (xs: number[]): number => quantile([...xs].sort((a, b) => a - b), 0.5);
    return { calls: opts.calls, directMs: d, hubMs: h, addedMs: h.p50 - d.p50,
      partsMs: { claim: median(parts.claim), partnerCall: median(parts.partnerCall), store: median(parts.store) },
      statementsPerCheck: measuredStatements / opts.calls, roundTripMs: median(roundTrips), commitMs: median(commits) };
  } finally {
    agent.destroy();
    await closeAll(connectors);
    await k.destroy();
    await db.drop();
    await narsa.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
