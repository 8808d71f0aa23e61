import type { RouteOptions } from 'fastify';
import { ERROR_CATALOGUE } from '../broker/errors';
import { buildOpenApiDocument } from './openapi';
import { actionParamsSchema, createRequestBodySchema, listQuerySchema } from './schemas';
import { startTestPortal, type TestPortal } from './test-kit';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

let portal: TestPortal;
const registered: { method: string; url: string }[] = [];

beforeAll(async () => {
  portal = await startTestPortal({
    beforeReady: (app) => app.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        // fastify adds HEAD for every GET by itself; OpenAPI implies it.
        if (method !== 'HEAD') registered.push({ method: method.toLowerCase(), url: route.url });
      }
    }),
  });
});
afterAll(async () => portal.close());

/** `/api/v1/requests/:id` → `/api/v1/requests/{id}` */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

async function servedDocument(): Promise<Json> {
  const res = await portal.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.json();
}

describe('OpenAPI document', () => {
  it('describes every registered route', async () => {
    const paths = (await servedDocument()).paths as Record<string, Json>;
    expect(registered.length).toBeGreaterThanOrEqual(9);
    const missing = registered.filter(({ method, url }) => paths[toOpenApiPath(url)]?.[method] === undefined);
    expect(missing).toEqual([]);
  });

  it('describes no route that does not exist', async () => {
    const paths = (await servedDocument()).paths as Record<string, Json>;
    for (const [path, item] of Object.entries(paths)) {
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        const url = path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
        expect({ method, url, registered: portal.app.hasRoute({ method: method.toUpperCase() as 'GET', url }) }).toEqual({ method, url, registered: true });
      }
    }
  });

  it('is OpenAPI 3.1 with a bearer JWT scheme and problem+json error answers', async () => {
    const doc = await servedDocument();
    expect(doc.openapi).toBe('3.1.0');
    const components = doc.components as Json;
    expect((components.securitySchemes as Json).bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const create = ((doc.paths as Json)['/api/v1/requests'] as Json).post as Json;
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    expect(create['x-roles']).toEqual(['citizen', 'agent']);
    const responses = create.responses as Record<string, Json>;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '409', '413', '415', '500']));
    expect(responses['409'].content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
    for (const status of Object.keys(responses).filter((s) => Number(s) >= 400)) {
      expect(Object.values(ERROR_CATALOGUE).some((spec) => String(spec.status) === status)).toBe(true);
    }
  });

  it('uses the very schemas the routes validate with', () => {
    const doc = buildOpenApiDocument();
    const components = doc.components as Json;
    expect((components.schemas as Json).CreateRequest).toBe(createRequestBodySchema);
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const listParams = paths['/api/v1/requests'].get.parameters as Json[];
    expect(listParams.find((p) => p.name === 'status')?.schema).toBe(listQuerySchema.properties.status);
    const actParams = paths['/api/v1/requests/{id}/actions/{action}'].post.parameters as Json[];
    expect(actParams.find((p) => p.name === 'action')).toMatchObject({ in: 'path', required: true, schema: actionParamsSchema.properties.action });
  });

  it('has no dangling $ref', async () => {
    const doc = await servedDocument();
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, part) => (node as Json | undefined)?.[part], doc);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });
});
