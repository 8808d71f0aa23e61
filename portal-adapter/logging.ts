import { LogController, type FastifyLoggerOptions, type FastifyRequest } from 'fastify';

/**
 * Only the `at …` lines of a stack: the message (which may span lines) may hold personal data, the frames only
 * say where.
 */
export function framesOf(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.stack === undefined) return undefined;
  return err.stack.split('\n').filter((line) => /^\s+at /.test(line)).join('\n');
}

/** Probes are polled every few seconds; logging each would drown everything else. */
const PROBES = new Set(['/health', '/ready']);

function routeOf(req: unknown): { method?: string; route?: string } {
  if (typeof req !== 'object' || req === null) return {};
  const { method, routeOptions } = req as Partial<FastifyRequest>;
  return { method, route: routeOptions?.url ?? 'unmatched' };
}

/**
 * No personal data in logs (DESIGN.md §7.5): requests are logged by method and route *pattern* (the URL holds
 * request ids, a query may hold names), without the client address; errors by type and code, never by message.
 * Each line carries the correlation id.
 */
export function loggerOptions(stream?: { write(line: string): void }): FastifyLoggerOptions {
  return {
    level: 'info',
    ...(stream === undefined ? {} : { stream }),
    serializers: {
      req: routeOf,
      res: (reply: unknown) => ({ statusCode: typeof reply === 'object' && reply !== null ? (reply as { statusCode?: number }).statusCode : undefined }),
      err: (err: unknown) => ({
        type: err instanceof Error ? err.name : typeof err,
        code: typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined,
        message: '[withheld]',
        stack: framesOf(err) ?? '',
      }),
    },
  };
}

export function logController(): LogController {
  return new LogController({
    requestIdLogLabel: 'correlationId',
    disableRequestLogging: (request: FastifyRequest) => PROBES.has(request.url),
  });
}
