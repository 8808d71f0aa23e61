import { isHubError } from '../../broker/errors';
import { buildXmlDocument } from './xml-document';
import { XsdSchema } from './xsd-validator';

const SCHEMA = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">
  <xs:element name="Doc"><xs:complexType><xs:sequence>
    <xs:element name="Id" type="xs:string"/>
    <xs:element name="Person"><xs:complexType><xs:sequence>
      <xs:element name="Name" type="xs:string"/>
      <xs:element name="Born" type="xs:date"/>
    </xs:sequence></xs:complexType></xs:element>
    <xs:element name="Items"><xs:complexType><xs:sequence>
      <xs:element name="Item" type="xs:boolean" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>`;
const xsd = XsdSchema.fromText('t.xsd', SCHEMA);
const build = (content: Record<string, unknown>) => buildXmlDocument(content, { root: 'Doc', namespace: 'urn:t', arrayItems: { Items: 'Item' }, label: 'p op' });

describe('buildXmlDocument', () => {
  it('writes one element a line in payload order, arrays as wrapper + items, escaping text', () => {
    const built = build({ Id: 'a<&>"b', Person: { Name: 'العلوي', Born: '1948-02-20', Nickname: null }, Items: [true, false] });
    expect(built.xml).toBe([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Doc xmlns="urn:t">',
      '  <Id>a&lt;&amp;&gt;&quot;b</Id>',
      '  <Person>',
      '    <Name>العلوي</Name>',
      '    <Born>1948-02-20</Born>',
      '  </Person>',
      '  <Items>',
      '    <Item>true</Item>',
      '    <Item>false</Item>',
      '  </Items>',
      '</Doc>',
      '',
    ].join('\n'));
    expect(built.linePaths.get(6)).toBe('/Person/Born');
    expect(built.linePaths.get(10)).toBe('/Items/1');
  });

  it('refuses a field XML cannot carry, naming the field only', () => {
    let caught: unknown;
    try { build({ Id: 'x\u0001y' }); } catch (error) { caught = error; }
    expect(isHubError(caught) && [caught.code, caught.errors]).toEqual(['VALIDATION_FAILED', [{ path: '/Id', message: 'contains a character XML cannot carry' }]]);
  });
});

describe('XsdSchema', () => {
  it('names the payload field of a built document and never the value', async () => {
    const built = build({ Id: 'x', Person: { Name: 'ALAOUI', Born: '1948-02-30' }, Items: [true] });
    const result = await xsd.validate({ name: 'out.xml', xml: built.xml, linePaths: built.linePaths });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([{ path: '/Person/Born', message: 'is not a valid value for its type' }]);
    expect(JSON.stringify(result)).not.toContain('1948-02-30');
  });

  it('reports a missing element and an unexpected one by name', async () => {
    const missing = await xsd.validate({ name: 'a.xml', xml: '<Doc xmlns="urn:t"><Id>x</Id></Doc>' });
    expect(missing.errors).toEqual([{ path: 'Doc', message: 'lacks a required child element (expected: Person)' }]);
    const extra = await xsd.validate({ name: 'b.xml', xml: '<Doc xmlns="urn:t"><Id>x</Id><Secret>BK123456</Secret></Doc>' });
    expect(extra.errors).toEqual([{ path: 'Secret', message: 'is not expected here (expected: Person)' }]);
    expect(JSON.stringify(extra)).not.toContain('BK123456');
  });

  it('does not echo the source line of a document that is not well-formed', async () => {
    const broken = await xsd.validate({ name: 'c.xml', xml: '<Doc xmlns="urn:t"><Id>BK123456</Doc>' });
    expect(broken.valid).toBe(false);
    expect(JSON.stringify(broken)).not.toContain('BK123456');
  });

  it('refuses a document in another namespace, and accepts a prefixed one in the right namespace', async () => {
    const other = await xsd.validate({ name: 'd.xml', xml: '<Doc xmlns="urn:other"><Id>x</Id></Doc>' });
    expect(other.errors).toEqual([{ path: 'Doc', message: 'is not an element of this schema' }]);
    const prefixed = await xsd.validate({ name: 'e.xml', xml: '<t:Doc xmlns:t="urn:t"><t:Id>x</t:Id><t:Person><t:Name>A</t:Name><t:Born>1990-04-12</t:Born></t:Person><t:Items><t:Item>1</t:Item></t:Items></t:Doc>' });
    expect(prefixed).toEqual({ valid: true, errors: [] });
  });

  it('validates several documents in one run, one verdict each', async () => {
    const good = build({ Id: 'x', Person: { Name: 'A', Born: '1990-04-12' }, Items: [true] }).xml;
    const results = await xsd.validateAll([{ name: '1', xml: good }, { name: '2', xml: '<Doc xmlns="urn:t"/>' }, { name: '3', xml: good }]);
    expect(results.map((r) => r.valid)).toEqual([true, false, true]);
  });
});
