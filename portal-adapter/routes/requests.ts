import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import { HubError } from '../../broker/errors';
import { ACCESS, CITIZEN_ACTIONS } from '../access';
import type { PortalAuth, Role } from '../auth';
import { answerOf, callAction } from '../broker-call';
import { requireRole } from '../guard';
import { idempotencyKeyOf, REPLAYED_HEADER, requireIdempotencyKey } from '../idempotency';
import {
  actionBodySchema, actionParamsSchema, createRequestBodySchema, listQuerySchema, requestParamsSchema,
  type ActionBody, type ActionParams, type CreateRequestBody, type ListQuery, type RequestParams,
} from '../schemas';

export interface RequestsRoutesOptions {
  broker: ServiceBroker;
  auth: PortalAuth;
}

interface Created {
  id: string;
  reference: string;
  status: string;
  replayed: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `requests.create` must answer `{id, reference, status, replayed}`; anything else is a bug, answered as a 500. */
function createdOf(answer: unknown): Created {
  if (!isRecord(answer) || typeof answer.id !== 'string' || typeof answer.reference !== 'string' || typeof answer.status !== 'string') {
    throw new Error('requests.create answered without id, reference and status');
  }
  return { id: answer.id, reference: answer.reference, status: answer.status, replayed: answer.replayed === true };
}

/** The one action a citizen may ask for is decided from the path, before anything else is read. */
function actionRoles(request: FastifyRequest): readonly Role[] {
  const params = request.params;
  const action = isRecord(params) ? params.action : undefined;
  return typeof action === 'string' && CITIZEN_ACTIONS.includes(action) ? ACCESS.cancelRequest : ACCESS.actOnRequest;
}

/** Requests hold personal data: no shared cache may keep an answer. */
async function noStore(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('cache-control', 'no-store');
}

export async function requestsRoutes(app: FastifyInstance, opts: RequestsRoutesOptions): Promise<void> {
  const { broker, auth } = opts;
  app.addHook('onRequest', noStore);

  app.post<{ Body: CreateRequestBody }>('/requests', {
    schema: { body: createRequestBodySchema },
    onRequest: [requireRole(auth, ACCESS.createRequest), requireIdempotencyKey],
  }, async (request, reply) => {
    const { service, post, applicant, data } = request.body;
    const idempotencyKey = idempotencyKeyOf(request);
    const created = createdOf(await callAction<unknown>(broker, request, 'requests.create', { service, post, applicant, data, idempotencyKey }));
    reply.header('location', `${app.prefix}/requests/${encodeURIComponent(created.id)}`);
    // A replay answers what the first call created, with 200: nothing new was created this time.
    if (created.replayed) reply.header(REPLAYED_HEADER, 'true').code(200);
    else reply.code(201);
    return { id: created.id, reference: created.reference, status: created.status };
  });

  app.get<{ Querystring: ListQuery }>('/requests', {
    schema: { querystring: listQuerySchema },
    onRequest: requireRole(auth, ACCESS.listRequests),
  }, async (request) => {
    const { status, service, page, pageSize } = request.query;
    const params = { ...(status === undefined ? {} : { status }), ...(service === undefined ? {} : { service }), page, pageSize };
    return answerOf(await callAction<unknown>(broker, request, 'requests.list', params), 'requests.list');
  });

  app.get<{ Params: RequestParams }>('/requests/:id', {
    schema: { params: requestParamsSchema },
    onRequest: requireRole(auth, ACCESS.readRequest),
  }, async (request) => {
    const found = await callAction<unknown>(broker, request, 'requests.get', { id: request.params.id });
    if (found === null || found === undefined) throw new HubError('NOT_FOUND', 'No such request');
    return found;
  });

  app.post<{ Params: ActionParams; Body: ActionBody }>('/requests/:id/actions/:action', {
    schema: { params: actionParamsSchema, body: actionBodySchema },
    onRequest: requireRole(auth, actionRoles),
    // The body is optional: an absent one is an empty one.
    preValidation: async (request) => {
      if (request.body === undefined || request.body === null) request.body = {};
    },
  }, async (request, reply) => {
    const { id, action } = request.params;
    const { reason, note, data } = request.body;
    const params = { id, action, ...(reason === undefined ? {} : { reason }), ...(note === undefined ? {} : { note }), ...(data === undefined ? {} : { data }) };
    const result = await callAction<unknown>(broker, request, 'requests.act', params);
    if (result === undefined || result === null) return reply.code(204).send();
    return result;
  });
}
