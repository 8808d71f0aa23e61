import { loadMappingSet } from '../../app/mapping-files';
import { CANONICAL_SCHEMAS, type CanonicalName, type MappingSet } from '../index';

let set: MappingSet;
beforeAll(async () => {
  set = await loadMappingSet();
});

const LANGUAGES = ['ar', 'fr', 'en', 'es'];

function enumOf(schema: CanonicalName, defName: string): unknown[] {
  const defs = CANONICAL_SCHEMAS[schema].$defs as Record<string, { enum?: unknown[] }>;
  const values = defs[defName]?.enum;
  if (!values) throw new Error(`${schema} has no enum $defs/${defName}`);
  return values;
}

function table(name: string): NonNullable<ReturnType<MappingSet['codeTable']>> {
  const found = set.codeTable(name);
  if (!found) throw new Error(`no code table ${name}`);
  return found;
}

/**
 * Agency tables: the codes exactly as the contracts in ../shared/partners spell them, and the canonical
 * enum their values must belong to. A code renamed on either side fails here, not on a live message.
 */
const AGENCY_TABLES: Array<[table: string, codes: string[], schema: CanonicalName, enumDef: string]> = [
  ['interior-burial-decisions', ['PENDING', 'GRANTED', 'REFUSED', 'NEEDS_INFO'], 'clearance', 'clearanceStatus'],
  ['interior-attachment-kinds', ['DEATH_ACT', 'COFFIN_SEALING', 'OTHER'], 'document', 'documentType'],
  ['interior-act-types', ['BIRTH', 'MARRIAGE', 'DEATH'], 'person', 'civilStatusActType'],
  ['dgsn-identity-results', ['MATCH', 'PARTIAL_MATCH', 'NO_MATCH', 'DOCUMENT_INVALID', 'DECEASED'], 'identity-check', 'identityCheckOutcome'],
  ['dgsn-transport-states', ['RECEIVED', 'CLEARED', 'HELD'], 'clearance', 'clearanceStatus'],
  ['dgsn-event-types', ['TRANSPORT_CLEARANCE', 'BORDER_ARRIVAL'], 'clearance', 'clearanceKind'],
  ['health-decision-statuses', ['ACCORDEE', 'ACCORDEE_SOUS_CONDITIONS', 'REFUSEE'], 'clearance', 'clearanceStatus'],
  ['health-contagious-disease', ['true', 'false', 'inconnu'], 'deceased', 'contagiousDisease'],
  ['health-transport-modes', ['AIR', 'MER', 'ROUTE'], 'repatriation', 'transportMode'],
  ['health-piece-types', ['CERTIFICAT_DECES', 'CERTIFICAT_MISE_EN_BIERE', 'ACTE_DECES', 'AUTRE'], 'document', 'documentType'],
  ['justice-statuses', ['RECU_POSTE', 'DESTINATAIRE_CONVOQUE', 'SIGNIFIE', 'NON_SIGNIFIE', 'RETOURNE'], 'judicial-document', 'judicialStatus'],
  ['justice-rejection-reasons', ['HORS_CIRCONSCRIPTION', 'PIECE_MANQUANTE', 'EMPREINTE_INVALIDE', 'DONNEES_INVALIDES'], 'judicial-document', 'rejectionReason'],
  ['justice-service-results', ['SIGNIFIE_FORMES_LEGALES', 'SIGNIFIE_REMISE_SIMPLE', 'SIGNIFIE_MODE_PARTICULIER', 'NON_SIGNIFIE'], 'judicial-document', 'serviceResult'],
  ['justice-not-served-reasons', ['ADRESSE_INCONNUE', 'REFUS', 'DECEDE', 'DEMENAGE', 'AUTRE'], 'judicial-document', 'notServedReason'],
  ['justice-recipient-capacities', ['DESTINATAIRE', 'FAMILLE', 'EMPLOYE', 'AUTRE'], 'judicial-document', 'recipientCapacity'],
  ['justice-act-natures', ['JUDICIAIRE', 'EXTRAJUDICIAIRE'], 'judicial-document', 'actNature'],
  ['justice-service-methods', ['REMISE_SIMPLE', 'FORMES_LEGALES', 'MODE_PARTICULIER'], 'judicial-document', 'serviceMethod'],
  ['narsa-licence-status', ['VALIDE', 'SUSPENDU', 'ANNULE', 'EXPIRE', 'REMPLACE'], 'licence-verification', 'licenceVerificationOutcome'],
  ['sex', ['F', 'M'], 'person', 'sex'],
];

/** Tables keyed by the canonical value itself: exactly the enum, each code its own value. */
const CANONICAL_TABLES: Array<[table: string, schema: CanonicalName, enumDef: string]> = [
  ['licence-categories', 'licence-verification', 'licenceCategoryCode'],
  ['document-types', 'document', 'documentType'],
];

/** Tables with labels: every code has a label in each of the portal's four languages. */
const LABELLED_TABLES = ['licence-categories', 'document-types', 'sex', 'border-posts', 'countries'];

describe('code tables', () => {
  it.each(AGENCY_TABLES)('%s lists the agency codes as the contract spells them, each mapping into the canonical enum', (name, codes, schema, enumDef) => {
    const codeTable = table(name);
    expect(codeTable.codes).toEqual(codes);
    const allowed = enumOf(schema, enumDef);
    for (const code of codes) expect(allowed).toContain(codeTable.lookup(code));
  });

  // Tables whose agency codes cover the whole canonical enum: a canonical value added later needs its agency code.
  const COVERING = ['interior-act-types', 'dgsn-identity-results', 'health-contagious-disease', 'health-transport-modes',
    'justice-statuses', 'justice-rejection-reasons', 'justice-service-results', 'justice-not-served-reasons', 'justice-recipient-capacities',
    'justice-act-natures', 'justice-service-methods', 'sex'];
  it.each(AGENCY_TABLES.filter(([name]) => COVERING.includes(name)))(
    '%s covers every value of its canonical enum', (name, _codes, schema, enumDef) => {
      const values = new Set(table(name).codes.map((code) => table(name).lookup(code)));
      expect([...values].sort()).toEqual([...enumOf(schema, enumDef)].sort());
    });

  it.each(CANONICAL_TABLES)('%s lists exactly the values of the canonical enum, each mapping to itself', (name, schema, enumDef) => {
    const codeTable = table(name);
    expect(codeTable.codes).toEqual(enumOf(schema, enumDef));
    for (const code of codeTable.codes) expect(codeTable.lookup(code)).toBe(code);
  });

  it.each(LABELLED_TABLES)('%s has a label in ar, fr, en and es for every code', (name) => {
    const codeTable = table(name);
    for (const code of codeTable.codes) {
      for (const language of LANGUAGES) expect({ code, language, label: codeTable.label(code, language) }).toEqual({ code, language, label: expect.stringMatching(/\S/) });
    }
  });

  it('border posts: the DGSN and Health spellings name canonical border posts, and every post has both', () => {
    const posts = table('border-posts').codes;
    for (const posts3 of posts) expect(posts3).toMatch(/^[A-Z]{3}$/);
    for (const agency of ['dgsn-border-posts', 'health-border-posts']) {
      const values = table(agency).codes.map((name) => table(agency).lookup(name));
      expect([...values].sort()).toEqual([...posts].sort());
    }
    expect(table('dgsn-border-posts').lookup('Casablanca Mohammed V')).toBe('CMN');
    expect(table('health-border-posts').lookup('Casablanca Mohammed V')).toBe('CMN');
  });

  it('an agency code outside the table is unknown, not passed through', () => {
    expect(table('justice-statuses').lookup('ARCHIVE')).toBeUndefined();
    expect(table('health-contagious-disease').lookup('TRUE')).toBeUndefined();
  });
});
