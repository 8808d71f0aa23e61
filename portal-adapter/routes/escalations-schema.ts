import { serviceCodeSchema } from '../schemas';

/** Query and answer of `GET /escalations` (route validation and OpenAPI read the same objects). */
export const escalationsQuerySchema = {
  type: 'object',
  properties: {
    service: serviceCodeSchema,
    page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
};
export interface EscalationsQuery { service?: string; page: number; pageSize: number }

export const escalationPageSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: { type: 'object', properties: {
      id: { type: 'string' }, reference: { type: 'string' }, service: { type: 'string' }, post: { type: 'string' }, status: { type: 'string' },
      escalation: { type: 'object', description: 'Why the request is flagged: e.g. {at, deadline, hoursLeft, pending: [agencies]}' } } } },
    page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' },
  },
};
