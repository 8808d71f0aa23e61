import type { FastifyInstance } from 'fastify';
import { HubError } from '../broker/errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `charset` of a Content-Type, lower-cased, if one is given. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/**
 * The portal reads JSON only, in UTF-8 only (DESIGN.md §7.4: wrong encodings are rejected with a reason):
 * - fastify's `text/plain` parser is removed, so any other content type is a 415 rather than a string body that
 *   fails validation with a confusing message;
 * - bytes are decoded strictly, where a lenient decode would silently turn bad bytes into U+FFFD in a citizen's name;
 * - an empty body is "no body" (actions take an optional one), not a parse error;
 * - parsing itself is fastify's, which rejects `__proto__` / `constructor.prototype` keys (prototype poisoning).
 * The body limit is the instance's `bodyLimit`, enforced by fastify while reading.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new HubError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON in UTF-8'), undefined);
      return;
    }
    // parseAs 'buffer' makes it a Buffer; fastify's type keeps string | Buffer.
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.length === 0) {
      done(null, undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      done(new HubError('MALFORMED_BODY', 'The body is not valid UTF-8'), undefined);
      return;
    }
    // fastify's default parser is the callback kind (its type also allows the promise kind): nothing to await.
    void parseJson(request, text, (err, parsed) => {
      if (err === null) done(null, parsed);
      else done(new HubError('MALFORMED_BODY', 'The body is not valid JSON'), undefined);
    });
  });
}
