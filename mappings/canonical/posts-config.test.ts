import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { compileCanonicalValidators } from './index';

// config/posts.json is the deployment's list of consular posts: each entry is a canonical consular post.
const POSTS_FILE = path.resolve(__dirname, '..', '..', 'config', 'posts.json');
const COUNTRIES_FILE = path.resolve(__dirname, '..', 'codes', 'countries.yaml');

describe('config/posts.json', () => {
  const posts = (JSON.parse(readFileSync(POSTS_FILE, 'utf8')) as { posts: unknown[] }).posts;
  const validate = compileCanonicalValidators()['consular-post'];

  it('holds the five posts of the default configuration', () => {
    expect(posts.map((post) => (post as { code: string }).code)).toEqual(['CG-PARIS', 'CG-BRUXELLES', 'CG-MADRID', 'CG-MONTREAL', 'CG-DUBAI']);
  });

  it.each(posts.map((post) => [(post as { code: string }).code, post]))('%s is a valid consular post', (_code, post) => {
    expect({ valid: validate(post), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  it('districts name countries of the countries code table', () => {
    const countries = Object.keys((parse(readFileSync(COUNTRIES_FILE, 'utf8')) as { codes: Record<string, unknown> }).codes);
    for (const post of posts as Array<{ district: { countries: string[] } }>) {
      for (const country of post.district.countries) expect(countries).toContain(country);
    }
  });

  it('a post missing a language or its time zone is refused', () => {
    const paris = posts[0] as { names: Record<string, string> };
    expect(validate({ ...paris, names: { fr: paris.names.fr, en: paris.names.en, ar: paris.names.ar } })).toBe(false);
    const { timeZone: _dropped, ...withoutTimeZone } = paris as Record<string, unknown>;
    expect(validate(withoutTimeZone)).toBe(false);
  });
});
