import type { ServiceSchema } from 'moleculer';
import type { ConsularPost, ServiceDefinition } from '../../config/catalogue-types';

/** The service catalogue as the front ends see it: what can be requested, where, for what fee. */
export function createCatalogueService(deps: { services: ServiceDefinition[]; posts: ConsularPost[] }): ServiceSchema {
  const services = deps.services.map((s) => ({
    code: s.code, labels: s.labels, requiredDocuments: s.requiredDocuments, fee: s.fee, partners: s.partners,
    statuses: s.statuses, actions: Object.keys(s.actions), dataSchema: s.dataSchema,
  }));
  const posts = deps.posts.map((p) => ({ code: p.code, names: p.names, timeZone: p.timeZone, district: p.district }));
  return {
    name: 'catalogue',
    actions: {
      list: { handler: async () => ({ services }) },
      posts: { handler: async () => ({ posts }) },
    },
  };
}
