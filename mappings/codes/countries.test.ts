import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ISO_3166_1 } from './tooling/iso-3166-1';
import { COUNTRY_LABEL_LANGUAGES, renderCountriesTable } from './tooling/render-countries';

const TABLE_FILE = path.join(__dirname, 'countries.yaml');

interface CountriesTable { codes: Record<string, { value?: string; labels: Record<string, string> }> }

describe('countries code table', () => {
  if (process.env.UPDATE_COUNTRIES === '1') writeFileSync(TABLE_FILE, renderCountriesTable());
  const table = parse(readFileSync(TABLE_FILE, 'utf8'), { uniqueKeys: true }) as CountriesTable;

  it('lists every ISO 3166-1 alpha-3 code, and nothing else', () => {
    expect(ISO_3166_1).toHaveLength(249);
    expect(Object.keys(table.codes).sort()).toEqual(ISO_3166_1.map(([alpha3]) => alpha3).sort());
  });

  it('maps each code to itself, with a name in ar, fr, en and es', () => {
    for (const [code, entry] of Object.entries(table.codes)) {
      expect(entry.value ?? code).toBe(code);
      expect(Object.keys(entry.labels).sort()).toEqual([...COUNTRY_LABEL_LANGUAGES].sort());
      for (const label of Object.values(entry.labels)) expect(label).toMatch(/\S/);
    }
  });

  it('names the countries of the demo people in each language', () => {
    expect(table.codes.MAR.labels).toEqual({ ar: 'المغرب', fr: 'Maroc', en: 'Morocco', es: 'Marruecos' });
    expect(table.codes.ESP.labels.fr).toBe('Espagne');
    expect(table.codes.BEL.labels.es).toBe('Bélgica');
  });

  it('has alpha-2 and alpha-3 codes of the right shape, each once', () => {
    expect(new Set(ISO_3166_1.map(([alpha3]) => alpha3)).size).toBe(ISO_3166_1.length);
    expect(new Set(ISO_3166_1.map(([, alpha2]) => alpha2)).size).toBe(ISO_3166_1.length);
    for (const [alpha3, alpha2] of ISO_3166_1) {
      expect(alpha3).toMatch(/^[A-Z]{3}$/);
      expect(alpha2).toMatch(/^[A-Z]{2}$/);
    }
  });
});
