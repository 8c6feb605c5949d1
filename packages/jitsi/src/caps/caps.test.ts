import { describe, expect, it } from 'vitest';
import { parseXml } from '../xml/parse.js';
import {
  capsElement,
  capsVer,
  capsVerificationString,
  discoInfoQuery,
  FEATURE_JSON_SOURCES,
  FEATURE_SSRC_REWRITING,
  participantDiscoInfo,
  STAGECAST_DISCO_INFO,
} from './caps.js';

describe('XEP-0115 caps', () => {
  it('reproduces the XEP-0115 §5.2 example', () => {
    const info = {
      identities: [{ category: 'client', type: 'pc', name: 'Exodus 0.9.1' }],
      features: [
        'http://jabber.org/protocol/muc',
        'http://jabber.org/protocol/disco#info',
        'http://jabber.org/protocol/caps',
        'http://jabber.org/protocol/disco#items',
      ],
    };
    expect(capsVerificationString(info)).toBe(
      'client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<',
    );
    expect(capsVer(info)).toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
  });

  it('computes the documented Stagecast ver from the single constant', () => {
    expect(STAGECAST_DISCO_INFO.features).toHaveLength(13);
    expect(capsVer(STAGECAST_DISCO_INFO)).toBe('154QeyzGNFbM3a60+VZcdjZvStE=');
  });

  it('sorts identities (category, type, lang, name) and de-duplicates features', () => {
    const a = capsVer({
      identities: [
        { category: 'client', type: 'pc', name: 'B', lang: 'en' },
        { category: 'client', type: 'bot', name: 'A' },
      ],
      features: ['b', 'a', 'a'],
    });
    const b = capsVer({
      identities: [
        { category: 'client', type: 'bot', name: 'A' },
        { category: 'client', type: 'pc', name: 'B', lang: 'en' },
      ],
      features: ['a', 'b'],
    });
    expect(a).toBe(b);
  });

  it('advertises no feature Stagecast does not implement', () => {
    for (const f of STAGECAST_DISCO_INFO.features) {
      expect(f).not.toMatch(/ssrc-rewriting|dtls-sctp|jibri|jigasi|transcriber|remb|opus-red|rtp-mid-demux/);
    }
  });

  it('builds presence caps and a disco#info reply that hash to the same ver, echoing node', () => {
    const c = capsElement();
    expect(c.attrs).toMatchObject({ hash: 'sha-1', ver: '154QeyzGNFbM3a60+VZcdjZvStE=' });
    const node = `${c.attrs.node}#${c.attrs.ver}`;
    const q = parseXml(discoInfoQuery(node).toString());
    expect(q.attrs.node).toBe(node);
    const identities = q
      .getChildren('identity')
      .map((i) => ({ category: i.attrs.category!, type: i.attrs.type!, name: i.attrs.name }));
    const features = q.getChildren('feature').map((f) => f.attrs.var!);
    expect(capsVer({ identities, features })).toBe(c.attrs.ver);
    expect(discoInfoQuery().attrs.node).toBeUndefined();
  });
});

describe('participantDiscoInfo', () => {
  it('keeps the default constant unless a feature option changes it, and the ver follows the features', () => {
    expect(participantDiscoInfo()).toBe(STAGECAST_DISCO_INFO);
    const rewriting = participantDiscoInfo({ ssrcRewriting: true });
    expect(rewriting.features).toContain(FEATURE_SSRC_REWRITING);
    expect(capsVer(rewriting)).not.toBe(capsVer(STAGECAST_DISCO_INFO));
    const xmlOnly = participantDiscoInfo({ jsonSources: false });
    expect(xmlOnly.features).not.toContain(FEATURE_JSON_SOURCES);
    expect(discoInfoQuery('n#v', xmlOnly).getChildren('feature').map((f) => f.attrs.var)).toEqual([...xmlOnly.features]);
  });
});
