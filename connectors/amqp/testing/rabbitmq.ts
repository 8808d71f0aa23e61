/**
 * Test helpers for the real RabbitMQ of `AMQP_URL`: connector configs with test-unique names, a direct
 * amqplib connection to look at queues, and a broker restart.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqp, { type ChannelModel } from 'amqplib';
import { validateConnectorConfig } from '../../_kit/contract';
import { amqpConfigSchema, type AmqpConnectorConfig } from '../config-schema';

const run = promisify(execFile);

export function brokerUrl(): string {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('AMQP_URL is not set');
  return url;
}

/** A prefix no other test (of this run or of another agent's) uses. */
export function uniqueName(what: string): string {
  return `test.amqp-connector.${what}.${randomUUID().slice(0, 8)}`;
}

/** Config aimed at `url` (default: AMQP_URL without its credentials), credentials from AMQP_URL. */
export function testConfig(settings: Record<string, unknown>, url?: string): AmqpConnectorConfig {
  const broker = new URL(brokerUrl());
  const address = url ?? `${broker.protocol}//${broker.host}${broker.pathname.length > 1 ? broker.pathname : ''}`;
  return validateConnectorConfig<AmqpConnectorConfig>(amqpConfigSchema, {
    url: address,
    username: decodeURIComponent(broker.username || 'guest'),
    password: decodeURIComponent(broker.password || 'guest'),
    heartbeatSeconds: 5,
    timeoutMs: 1000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    ...settings,
  }, 'partners.peer.amqp');
}

export async function directConnection(): Promise<ChannelModel> {
  const connection = await amqp.connect(brokerUrl());
  connection.on('error', () => undefined);
  return connection;
}

/** Stops and starts the RabbitMQ application (the listener goes away: every connection is cut). */
export async function restartRabbitMq(downMs: number): Promise<void> {
  await run('rabbitmqctl', ['stop_app'], { timeout: 120_000 });
  await new Promise((resolve) => setTimeout(resolve, downMs));
  await run('rabbitmqctl', ['start_app'], { timeout: 120_000 });
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
