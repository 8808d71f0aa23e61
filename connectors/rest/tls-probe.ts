/**
 * Health probe: a TLS handshake with the endpoint using the connector's own material. It proves what
 * a partner call needs first (reachable, trusted server certificate, client certificate accepted by
 * the handshake) without sending a request that would count against the partner's rate limit.
 */
import tls from 'node:tls';
import type { EndpointBreaker } from '../_kit/circuit-breaker';
import type { ConnectorHealth } from '../_kit/contract';
import type { TlsMaterial } from './tls-material';

const CLIENT_CERT_VERDICT_MS = 100;

export interface TlsProbe {
  origin: URL;
  tls: TlsMaterial;
  servername?: string;
  timeoutMs: number;
}

export function probeTls(probe: TlsProbe): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const host = probe.origin.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket = tls.connect({
      host,
      port: probe.origin.port === '' ? 443 : Number(probe.origin.port),
      servername: probe.servername ?? (/^[\d.:]+$/.test(host) ? undefined : host),
      ...probe.tls,
    });
    let settled = false;
    const done = (ok: boolean, detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, detail });
    };
    const timer = setTimeout(() => done(false, `TLS handshake not done within ${probe.timeoutMs} ms`), probe.timeoutMs);
    socket.once('secureConnect', () => {
      // Under TLS 1.3 the server judges our client certificate after our side of the handshake is
      // done: its refusal arrives as an alert just after. Wait briefly for it before saying ok.
      setTimeout(() => done(true, `TLS handshake ok (${socket.getProtocol() ?? 'TLS'})`), CLIENT_CERT_VERDICT_MS);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(false, `TLS handshake failed (${error.code ?? 'error'})`));
  });
}

/**
 * A TLS endpoint's health as the connectors over HTTPS (REST, XML over HTTP) report it: an open circuit says so
 * without touching the partner; otherwise the handshake probe above.
 */
export async function tlsEndpointHealth(breaker: Pick<EndpointBreaker, 'state' | 'retryAfterMs'>, probe: TlsProbe): Promise<ConnectorHealth> {
  const circuit = breaker.state;
  if (circuit === 'open') return { ok: false, detail: `circuit open, next trial call in ${breaker.retryAfterMs()} ms`, circuit };
  const result = await probeTls(probe);
  return { ok: result.ok, detail: `${probe.origin.origin}: ${result.detail}`, circuit };
}
