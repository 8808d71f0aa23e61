import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import { ACCESS } from '../access';
import type { PortalAuth } from '../auth';
import { callAction } from '../broker-call';
import { requireRole } from '../guard';
import { documentParamsSchema, type DocumentParams } from '../schemas';

interface DocumentAnswer {
  contentType: string;
  filename: string;
  contentBase64: string;
}

function isDocumentAnswer(value: unknown): value is DocumentAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const { contentType, filename, contentBase64 } = value as Record<string, unknown>;
  return typeof contentType === 'string' && typeof filename === 'string' && typeof contentBase64 === 'string';
}

/** A media type that cannot smuggle another header; anything else is served as opaque bytes. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(?: *; *[a-z0-9!#$&^_.+-]+=(?:[a-z0-9!#$&^_.+-]+|"[^"\\\r\n]*"))*$/i;

export function safeContentType(contentType: string): string {
  return MEDIA_TYPE.test(contentType) ? contentType : 'application/octet-stream';
}

/**
 * `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 8187): names may be in Arabic.
 * Path separators and control characters are removed so a browser cannot be led to write elsewhere.
 */
export function attachmentDisposition(filename: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const cleaned = filename.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim() || 'document';
  const fallback = cleaned.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["%;]/g, '_').trim() || 'document';
  const encoded = encodeURIComponent(cleaned).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** An issued document (attestation, laissez-passer, certificate of service), as the bytes the service produced. */
export async function documentRoutes(app: FastifyInstance, opts: { broker: ServiceBroker; auth: PortalAuth }): Promise<void> {
  app.get<{ Params: DocumentParams }>('/requests/:id/documents/:docId', {
    schema: { params: documentParamsSchema },
    onRequest: requireRole(opts.auth, ACCESS.readDocument),
  }, async (request, reply) => {
    const { id, docId } = request.params;
    const answer = await callAction<unknown>(opts.broker, request, 'requests.document', { id, docId });
    if (!isDocumentAnswer(answer)) throw new Error('requests.document answered without contentType, filename and contentBase64');
    return reply
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', attachmentDisposition(answer.filename))
      .type(safeContentType(answer.contentType))
      .send(Buffer.from(answer.contentBase64, 'base64'));
  });
}
