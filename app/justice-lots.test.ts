import { XMLParser } from 'fast-xml-parser';
import { loadMappingSet } from './mapping-files';
import { acknowledgementXml, JUSTICE_NS } from './justice-lots';

describe('the AccuseLot the hub uploads', () => {
  it('is the mapped acknowledgement written by the XML library: namespace, lot id, one Pli each with Accepte or Rejete/Motif', async () => {
    const mappings = await loadMappingSet();
    const xml = acknowledgementXml(mappings, '2026-0007', [
      { pliId: 'PLI-2026-0007-001', intake: { outcome: 'accepted' } },
      { pliId: 'PLI-2026-0007-002', intake: { outcome: 'rejected', rejectionReason: 'outside-district' } },
      { pliId: 'PLI-<&>', intake: { outcome: 'rejected', rejectionReason: 'invalid-data' } },
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => n === 'Pli' }).parse(xml) as
      { AccuseLot: { '@_xmlns': string; '@_id': string; Pli: Array<Record<string, unknown>> } };
    expect(doc.AccuseLot['@_xmlns']).toBe(JUSTICE_NS);
    expect(doc.AccuseLot['@_id']).toBe('2026-0007');
    expect(doc.AccuseLot.Pli).toEqual([
      { IdPli: 'PLI-2026-0007-001', Accepte: '' },
      { IdPli: 'PLI-2026-0007-002', Rejete: { Motif: 'HORS_CIRCONSCRIPTION' } },
      { IdPli: 'PLI-<&>', Rejete: { Motif: 'DONNEES_INVALIDES' } },
    ]);
    expect(xml).toContain('PLI-&lt;&amp;&gt;');
  });
});
