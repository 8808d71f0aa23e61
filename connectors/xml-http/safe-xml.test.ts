import { decodeXmlText, parseXmlSafely, UnsafeXmlError } from './safe-xml';

const refused = (xml: string): string => {
  try { parseXmlSafely(xml); } catch (error) { if (error instanceof UnsafeXmlError) return error.message; throw error; }
  throw new Error('expected the document to be refused');
};

const refusal = (run: () => unknown): string => {
  try { run(); } catch (error) { if (error instanceof UnsafeXmlError) return error.message; throw error; }
  throw new Error('expected the document to be refused');
};

describe('parseXmlSafely', () => {
  it('decodes numeric character references (decimal and hex) and the predefined entities, once', () => {
    const { root, content } = parseXmlSafely('<?xml version="1.0" encoding="UTF-8"?><s:D xmlns:s="urn:ma:sante:rapatriement:v1" n="&#1575;&amp;"><s:Nom>&#1575;&#1604;&#x641;&#x627;&#x633;&#x64A; &amp;#1575; &lt;x&gt;</s:Nom></s:D>');
    expect(root).toBe('D');
    expect(content).toEqual({ '@n': 'ا&', Nom: 'الفاسي &#1575; <x>' });
  });

  it('keeps values as strings and the listed elements as arrays, even when absent or single', () => {
    expect(parseXmlSafely('<Decisions page="1" pages="1"><Decision><N>007</N></Decision></Decisions>', { arrays: ['Decision'] }).content)
      .toEqual({ '@page': '1', '@pages': '1', Decision: [{ N: '007' }] });
    expect(parseXmlSafely('<Decisions xmlns="urn:x" page="1" pages="0"/>', { arrays: ['Decision'] }).content).toEqual({ '@page': '1', '@pages': '0' });
  });

  it('refuses a DOCTYPE, an internal entity and an external entity (XXE) before parsing', () => {
    expect(refused('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')).toContain('DOCTYPE');
    expect(refused('<!doctype a><a/>')).toContain('DOCTYPE');
    expect(refused('<a><!ENTITY x "y"></a>')).toContain('DOCTYPE');
  });

  it('refuses undeclared entities, forbidden characters, bare ampersands and broken documents', () => {
    expect(refused('<a>&eacute;</a>')).toContain('undeclared entity');
    expect(refused('<a>&#0;</a>')).toContain('character reference');
    expect(refused('<a>&#xD800;</a>')).toContain('character reference');
    expect(refused('<a>x &amp y</a>')).toMatch(/not well-formed|&/);
    expect(refused('<a><b></a>')).toContain('not well-formed');
    expect(refused('<a/><b/>')).toContain('one root element');
  });

  it('refuses an answer whose root is not in the namespace the caller expects (a feed in another namespace)', () => {
    const feed = '<d:Decisions xmlns:d="urn:ma:sante:rapatriement:v2" page="1" pages="1"><d:Decision><d:Numero>1</d:Numero></d:Decision></d:Decisions>';
    expect(refusal(() => parseXmlSafely(feed, { arrays: ['Decision'], namespace: 'urn:ma:sante:rapatriement:v1' }))).toContain('another namespace');
    expect(parseXmlSafely(feed, { arrays: ['Decision'], namespace: 'urn:ma:sante:rapatriement:v2' }).content).toEqual({ '@page': '1', '@pages': '1', Decision: [{ Numero: '1' }] });
  });

  it('refuses documents nested deeper than allowed', () => {
    expect(() => parseXmlSafely(`${'<a>'.repeat(50)}${'</a>'.repeat(50)}`, { maxDepth: 20 })).toThrow();
  });
});

describe('decodeXmlText', () => {
  it('leaves text without references alone', () => {
    expect(decodeXmlText('EL FASSI')).toBe('EL FASSI');
  });
});
