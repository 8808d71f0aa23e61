import { loadMappingSet } from '../../app/mapping-files';
import { CANONICAL_SCHEMAS, type MappingSet } from '../index';

let set: MappingSet;
beforeAll(async () => {
  set = await loadMappingSet();
});

function enumOf(defName: string): unknown[] {
  const defs = CANONICAL_SCHEMAS['licence-verification'].$defs as Record<string, { enum: unknown[] }>;
  return defs[defName].enum;
}

describe('code tables', () => {
  it('licence-categories lists exactly the categories of the canonical schema, with fr, en, ar and es labels', () => {
    const table = set.codeTable('licence-categories');
    expect(table?.codes).toEqual(enumOf('licenceCategoryCode'));
    for (const code of table?.codes ?? []) {
      for (const language of ['fr', 'en', 'ar', 'es']) expect(table?.label(code, language)).toEqual(expect.any(String));
    }
  });

  it('narsa-licence-status maps every NARSA status to a canonical outcome', () => {
    const table = set.codeTable('narsa-licence-status');
    expect(table?.codes).toEqual(['VALIDE', 'SUSPENDU', 'ANNULE', 'EXPIRE', 'REMPLACE']);
    for (const code of table?.codes ?? []) expect(enumOf('licenceVerificationOutcome')).toContain(table?.lookup(code));
  });
});
