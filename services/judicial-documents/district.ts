import type { ConsularPost } from '../../config/catalogue-types';

/** The consular post whose district holds the address's country (config/posts.json); undefined: outside every district. */
export function postForCountry(posts: readonly ConsularPost[], country: string | undefined): string | undefined {
  if (!country) return undefined;
  return posts.find((p) => p.district.countries.includes(country))?.code;
}
