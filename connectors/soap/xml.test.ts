import { decodeXmlText, parseXml, toPlain, toXmlElements, UnsafeXmlError } from './xml';

function refusal(run: () => unknown): string {
  try { run(); } catch (error) { if (error instanceof UnsafeXmlError) return error.message; throw error; }
  throw new Error('expected UnsafeXmlError');
}

describe('safe XML', () => {
  it('decodes the predefined entities and character references, nothing else', () => {
    expect(decodeXmlText('a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#1582;&#x62F;')).toBe('a <b> & "c" \'d\' خد');
    expect(refusal(() => decodeXmlText('&nbsp;'))).toMatch(/^undeclared entity/);
    expect(refusal(() => decodeXmlText('&#0;'))).toBe('invalid character reference');
    expect(refusal(() => decodeXmlText('&#xD800;'))).toBe('invalid character reference');
  });

  it('refuses a lone "&" and an undeclared entity without quoting the document', () => {
    expect(refusal(() => parseXml('<x:a xmlns:x="urn:x"><x:n>EL FASSI & co</x:n></x:a>'))).not.toContain('FASSI');
    expect(refusal(() => decodeXmlText('EL FASSI & co'))).toBe('a lone "&" (not a reference)');
    expect(refusal(() => parseXml('<a><n>EL FASSI &fassi;</n></a>'))).not.toMatch(/FASSI|fassi/i);
  });

  it('reads attributes as @_name, and an element without attributes or children as its text', () => {
    expect(parseXml('<s:Envelope xmlns:s="urn:s" s:mustUnderstand="1"><s:Body><n a="&#1582;">&#1582;&#1583;&#1610;&#1580;&#1577;</n></s:Body></s:Envelope>'))
      .toEqual({ Envelope: { '@_mustUnderstand': '1', Body: { n: { '@_a': 'خ', '#text': 'خديجة' } } } });
    expect(parseXml('<a>x</a>')).toEqual({ a: 'x' });
    expect(parseXml('<a/>')).toEqual({ a: '' });
  });

  it('refuses any DTD before parsing, and what is not well-formed', () => {
    expect(refusal(() => parseXml('<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'))).toBe('a DTD (DOCTYPE or ENTITY) is not allowed');
    expect(refusal(() => parseXml('<a><b></a>'))).toMatch(/^not well-formed XML/);
  });

  it('parses text as strings (no number guessing) with prefixes dropped, and repeated elements as arrays', () => {
    const doc = parseXml('<x:a xmlns:x="urn:x"><x:n>007</x:n><x:r>1</x:r><x:r>2</x:r><x:t>&lt;ok&gt;</x:t></x:a>');
    expect(toPlain(doc)).toEqual({ a: { n: '007', r: ['1', '2'], t: '<ok>' } });
  });

  it('writes a payload as elements in key order, escaping text, repeating arrays, leaving out null', () => {
    expect(toXmlElements({ a: 'x<&>y', b: [{ c: 1 }, { c: true }], d: null, e: undefined }, 'p'))
      .toBe('<p:a>x&lt;&amp;&gt;y</p:a><p:b><p:c>1</p:c></p:b><p:b><p:c>true</p:c></p:b>');
    expect(refusal(() => toXmlElements({ 'a b': 1 }, 'p'))).toBe('field name "a b" is not an XML name');
  });
});
