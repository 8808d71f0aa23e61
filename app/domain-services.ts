import type { Knex } from 'knex';
import type { ServiceSchema } from 'moleculer';
import type { ConsularPost, ServiceDefinition } from '../config/catalogue-types';
import type { HubConfig } from '../config/schema';
import { createLicenceAuthenticationService } from '../services/licence-authentication/service';
import { createJudicialDocumentsService } from '../services/judicial-documents/service';
import { createJudicialTrackingService } from '../services/judicial-documents/tracking';
import { createRemainsRepatriationService } from '../services/remains-repatriation/service';
import { registrationServices } from './registration-wiring';

export interface DomainServiceDeps {
  config: HubConfig;
  posts: ConsularPost[];
  services: ServiceDefinition[];
  /** Font with Arabic glyphs for the documents, when one is configured or found. */
  arabicFont?: Uint8Array;
  /** The hub's database, for the services that keep a registry of their own (consular registration). */
  db?: Knex;
}

/**
 * The consular services' handlers (services/<code>/), one line each: the catalogue entry names the handler
 * (`config/services/<code>.json` → `handler`), this list creates it. Adding a service is a catalogue file,
 * a folder in services/ and a line here.
 */
export function domainServices(deps: DomainServiceDeps): ServiceSchema[] {
  return [
    createLicenceAuthenticationService({ posts: deps.posts, arabicFont: deps.arabicFont }),
    createJudicialDocumentsService({ posts: deps.posts, arabicFont: deps.arabicFont }), createJudicialTrackingService(),
    createRemainsRepatriationService({ posts: deps.posts, services: deps.services, arabicFont: deps.arabicFont }),
    ...registrationServices(deps),
  ];
}
