import type { FieldError } from '../../broker/errors';
import type { ConsularPost } from '../../config/catalogue-types';

/**
 * A post registers only the nationals living in its district (config/posts.json: countries, and regions
 * when a country is shared between posts). Pure: the caller turns the error into a refusal at submission.
 */
export function districtError(post: ConsularPost | undefined, address: { country: string; region?: string }, path: string): FieldError | undefined {
  if (!post) return { path: '/post', message: 'is not a consular post' };
  const { countries, regions = [] } = post.district;
  if (!countries.includes(address.country)) {
    return { path: `${path}/country`, message: `is outside the district of ${post.code} (${countries.join(', ')}): apply to the post of the country of residence` };
  }
  // Regions narrow a country only when the post lists some for it ("FRA-IDF"-style codes, prefixed by the country).
  const forCountry = regions.filter((r) => r.startsWith(`${address.country}-`));
  if (forCountry.length > 0 && !(address.region && forCountry.includes(address.region))) {
    return { path: `${path}/region`, message: `is outside the district of ${post.code} (${forCountry.join(', ')})` };
  }
  return undefined;
}
