import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JingleError } from '../errors.js';
import { buildJingle, declineP2p, jingleErrorElement, restartRequest } from './build-jingle.js';
import { parseJingle } from './parse-jingle.js';

const dir = fileURLToPath(new URL('../../test/fixtures/jingle/', import.meta.url));
const fixture = (name: string) => readFileSync(dir + name, 'utf8');

describe('parseJingle / buildJingle', () => {
  it('parses a jicofo session-initiate', () => {
    const msg = parseJingle(fixture('initiate-av-xml-sources.xml'));
    expect(msg.action).toBe('session-initiate');
    expect(msg.sid).toBe('5s2tq1m9rkk0v');
    expect(msg.initiator).toBe('focus@auth.meet.example.com/focus');
    expect(msg.groups).toEqual([{ semantics: 'BUNDLE', contents: ['audio', 'video'] }]);
    expect(msg.bridgeSessionId).toBe('b5e9c0d2-41f7-4e3a-8a6b-1f2d3c4e5f60');
    expect(msg.bridgeSessionRegion).toBe('eu-1');
    const [audio, video] = msg.contents;
    expect(audio?.description?.maxptime).toBe(60);
    expect(audio?.description?.payloadTypes[0]).toEqual({
      id: 111,
      name: 'opus',
      clockrate: 48000,
      channels: 2,
      parameters: [
        { name: 'minptime', value: '10' },
        { name: 'useinbandfec', value: '1' },
      ],
      rtcpFbs: [{ type: 'transport-cc' }],
    });
    expect(audio?.description?.extmapAllowMixed).toBe(true);
    expect(audio?.description?.sources[0]).toEqual({
      ssrc: 3659539811,
      name: 'jvb-a0',
      owner: 'jvb',
      msid: 'mixedmslabel mixedlabelaudio0',
    });
    expect(audio?.transport?.fingerprints[0]?.setup).toBe('actpass');
    expect(audio?.transport?.candidates[1]).toMatchObject({ type: 'srflx', relAddr: '10.0.4.12', relPort: 10000 });
    expect(audio?.transport?.webSockets).toHaveLength(1);
    expect(video?.description?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [257838819, 865670341] }]);
    expect(video?.description?.payloadTypes.find((p) => p.id === 107)?.parameters).toEqual([
      { value: 'profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1;' },
    ]);
  });

  it.each(readdirSync(dir).filter((f) => f.endsWith('.xml')))('round-trips %s', (name) => {
    const msg = parseJingle(fixture(name));
    const again = parseJingle(buildJingle(msg).toString());
    expect(again).toEqual(msg);
  });

  it('normalises legacy addsource and accepts the bare <jingle>', () => {
    const msg = parseJingle('<jingle xmlns="urn:xmpp:jingle:1" action="addsource" sid="x"/>');
    expect(msg).toEqual({ action: 'source-add', sid: 'x', contents: [], groups: [] });
  });

  it('ignores unknown children but rejects malformed known ones with a JingleError', () => {
    const ok = parseJingle(
      '<jingle xmlns="urn:xmpp:jingle:1" action="transport-info" sid="x"><foo xmlns="urn:x"/><content name="audio"><transport xmlns="urn:xmpp:jingle:transports:ice-udp:1"><bar/></transport></content></jingle>',
    );
    expect(ok.contents[0]?.transport?.candidates).toEqual([]);
    const bad = () =>
      parseJingle(
        '<jingle xmlns="urn:xmpp:jingle:1" action="source-add" sid="x"><content name="video"><description xmlns="urn:xmpp:jingle:apps:rtp:1" media="video"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="-4"/></description></content></jingle>',
      );
    expect(bad).toThrow(JingleError);
    expect(bad).toThrow(/ssrc="-4"/);
    expect(() => parseJingle('<jingle xmlns="urn:xmpp:jingle:1" action="dance" sid="x"/>')).toThrow(
      expect.objectContaining({ reason: 'unsupported' }),
    );
    expect(() => parseJingle('<jingle xmlns="urn:xmpp:jingle:1" action="dance"')).toThrow(
      expect.objectContaining({ reason: 'malformed' }),
    );
  });

  it('decodes json-message sources', () => {
    const msg = parseJingle(
      `<jingle xmlns="urn:xmpp:jingle:1" action="source-add" sid="x"><json-message xmlns="http://jitsi.org/jitmeet">{"sources":{"831de82b":[[{"s":257838819,"n":"831de82b-v0","m":"m1 t1"},{"s":865670341,"n":"831de82b-v0","m":"m1 t1"},{"s":11111,"n":"831de82b-v1","m":"m2 t2","v":"d"}],[["f",257838819,865670341]],[{"s":3659539811,"n":"831de82b-a0","m":"m3 t3"}]]}}</json-message></jingle>`,
    );
    expect(msg.jsonSources?.['831de82b']).toEqual({
      video: [
        { ssrc: 257838819, name: '831de82b-v0', msid: 'm1 t1', videoType: 'camera' },
        { ssrc: 865670341, name: '831de82b-v0', msid: 'm1 t1', videoType: 'camera' },
        { ssrc: 11111, name: '831de82b-v1', msid: 'm2 t2', videoType: 'desktop' },
      ],
      videoGroups: [{ semantics: 'FID', ssrcs: [257838819, 865670341] }],
      audio: [{ ssrc: 3659539811, name: '831de82b-a0', msid: 'm3 t3' }],
      audioGroups: [],
    });
  });
});

describe('terminate builders', () => {
  it('builds the P2P decline of §13', () => {
    const xml = buildJingle(declineP2p({ sid: 'p2p1', initiator: 'room@muc/831de82b' })).toString();
    expect(xml).toBe(
      '<jingle xmlns="urn:xmpp:jingle:1" action="session-terminate" initiator="room@muc/831de82b" sid="p2p1"><reason><decline/><text>P2P disabled</text></reason></jingle>',
    );
  });

  it('builds the restart request of §14 and parses it back', () => {
    const msg = restartRequest({ sid: 's', initiator: 'focus@auth/focus', bridgeSessionId: 'b5e9' });
    const xml = buildJingle(msg).toString();
    expect(xml).toContain('<bridge-session xmlns="http://jitsi.org/protocol/focus" id="b5e9" restart="true"/>');
    expect(xml).toContain('<reason><connectivity-error/><text>ICE FAILED</text></reason>');
    expect(parseJingle(xml)).toEqual(msg);
  });

  it('builds the unknown-session error', () => {
    expect(jingleErrorElement('unknown-session').toString()).toBe(
      '<error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><unknown-session xmlns="urn:xmpp:jingle:errors:1"/></error>',
    );
    expect(jingleErrorElement('bad-request', 'no sid').toString()).toContain('<bad-request');
  });
});
