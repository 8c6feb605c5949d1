import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sdpTransform from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { JingleError } from '../errors.js';
import { fmtpConfig, jingleToSdp, remoteCandidates, selectPayloadTypes } from './jingle-to-sdp.js';
import { parseJingle } from './parse-jingle.js';
import { SourceMap } from './source-map.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const read = (p: string) => readFileSync(fixtures + p, 'utf8');
const offer = (name: string) => parseJingle(read(`jingle/${name}.xml`));

describe('jingleToSdp golden files', () => {
  const goldens = readdirSync(fixtures + 'sdp').filter((f) => f.startsWith('initiate-'));
  it.each(goldens)('%s', (golden) => {
    const [name, variant] = golden.replace(/\.sdp$/, '').split('.') as [string, string | undefined];
    const { sdp } = jingleToSdp(offer(name), { h264: variant === 'h264' });
    expect(sdp).toBe(read(`sdp/${golden}`));
  });

  it('covers every initiate fixture', () => {
    const initiates = readdirSync(fixtures + 'jingle').filter((f) => f.startsWith('initiate-'));
    for (const f of initiates) expect(goldens).toContain(f.replace(/\.xml$/, '.sdp'));
  });
});

describe('jingleToSdp rules', () => {
  it('drops AV1, VP9, RED, telephone-event and keeps opus, VP8 + RTX with the offered ids', () => {
    const parsed = sdpTransform.parse(jingleToSdp(offer('initiate-json-sources')).sdp);
    expect(parsed.media.map((m) => String(m.payloads))).toEqual(['111', '100 96']);
    expect(parsed.media[1]?.fmtp).toEqual([{ payload: 96, config: 'apt=100' }]);
    expect(parsed.media.every((m) => m.rtcpMux === 'rtcp-mux' && m.setup === 'actpass')).toBe(true);
    // video-orientation and the AV1 dependency descriptor are not kept.
    expect(parsed.media[1]?.ext?.map((e) => e.value)).toEqual([3, 5]);
  });

  it('signals every remote SSRC with cname and msid, and returns the SSRC map', () => {
    const result = jingleToSdp(offer('initiate-json-sources'));
    const video = sdpTransform.parse(result.sdp).media[1];
    const ssrcs = new Set(video?.ssrcs?.map((s) => s.id));
    for (const id of ssrcs) {
      const attrs = video?.ssrcs?.filter((s) => s.id === id).map((s) => s.attribute);
      expect(attrs).toEqual(['cname', 'msid']);
    }
    expect(result.remoteSources.find((s) => s.ssrc === 4017352218)).toMatchObject({
      owner: '831de82b',
      name: '831de82b-v1',
      videoType: 'desktop',
      rtxSsrc: 2988441270,
      media: 'video',
    });
    expect(result.mids).toEqual(['audio', 'video']);
  });

  it('handles legacy owners, synthetic translation sources, missing ssrc-info and a data content', () => {
    const result = jingleToSdp(offer('initiate-simulcast-legacy'));
    const owners = result.remoteSources.map((s) => `${s.owner}/${s.name}`);
    expect(owners).toContain('e7a05c31/e7a05c31-a0');
    expect(owners).toContain('b8c2d4f1/b8c2d4f1-a0');
    expect(owners.some((o) => o.includes('.de'))).toBe(false);
    expect(result.mids).toEqual(['audio', 'video']);
    expect(result.sdp).toContain('a=group:BUNDLE audio video\r\n');
  });

  it('uses the accumulated source map and maps senders to direction', () => {
    const initiate = offer('initiate-ssrc-rewriting');
    const map = new SourceMap();
    map.applyOffer(initiate);
    map.applyVideoSourcesMap([
      { source: '831de82b-v0', owner: '831de82b', ssrc: 5001, rtx: 5002, videoType: 'CAMERA' },
    ]);
    const first = initiate.contents[0];
    if (first) first.senders = 'responder';
    const { sdp, remoteSources } = jingleToSdp(initiate, { sources: map.toSourceSet(), sessionVersion: 7 });
    const parsed = sdpTransform.parse(sdp);
    expect(parsed.origin?.sessionVersion).toBe(7);
    expect(parsed.media[0]?.direction).toBe('recvonly');
    expect(parsed.media[1]?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: '5001 5002' }]);
    expect(remoteSources.find((s) => s.ssrc === 5001)).toMatchObject({ owner: '831de82b', rtxSsrc: 5002 });
  });

  it('fails with no-usable-codec when VP8 is missing, naming what was offered', () => {
    const o = offer('initiate-av-xml-sources');
    const video = o.contents[1]?.description;
    if (video) video.payloadTypes = video.payloadTypes.filter((p) => p.name === 'AV1');
    expect(() => jingleToSdp(o)).toThrow(expect.objectContaining({ reason: 'no-usable-codec' }));
    expect(() => jingleToSdp(o)).toThrow(/AV1\/41/);
  });

  it('fails typed without ICE credentials', () => {
    const o = offer('initiate-av-xml-sources');
    for (const c of o.contents) if (c.transport) delete c.transport.ufrag;
    expect(() => jingleToSdp(o)).toThrow(JingleError);
  });

  it('fmtp: bare values, trailing semicolons', () => {
    expect(fmtpConfig([{ value: 'profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1;' }])).toBe(
      'profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1',
    );
    expect(fmtpConfig([{ name: 'minptime', value: '10' }, { value: ';x=1;' }])).toBe('minptime=10;x=1');
  });

  it('selectPayloadTypes keeps H264 + its RTX only when asked', () => {
    const pts = offer('initiate-av-xml-sources').contents[1]?.description?.payloadTypes ?? [];
    expect(selectPayloadTypes(pts, 'video').map((p) => p.id)).toEqual([100, 96]);
    expect(selectPayloadTypes(pts, 'video', { h264: true }).map((p) => p.id)).toEqual([100, 96, 107, 99]);
  });
});

describe('remoteCandidates', () => {
  it('maps transport-info candidates to MediaPort inputs', () => {
    const ti = parseJingle(
      '<jingle xmlns="urn:xmpp:jingle:1" action="transport-info" sid="s"><content name="video"><transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="u" pwd="p"><candidate component="1" foundation="9" generation="0" ip="192.0.2.1" port="10000" priority="1" protocol="udp" type="host"/></transport></content><content name="data"><transport xmlns="urn:xmpp:jingle:transports:ice-udp:1"><candidate component="1" foundation="8" generation="1" ip="192.0.2.2" port="443" priority="2" protocol="tcp" type="host" tcptype="passive"/></transport></content></jingle>',
    );
    expect(remoteCandidates(ti, ['audio', 'video'])).toEqual([
      { mid: 'video', mlineIndex: 1, candidate: 'candidate:9 1 udp 1 192.0.2.1 10000 typ host generation 0' },
      {
        mid: 'audio',
        mlineIndex: 0,
        candidate: 'candidate:8 1 tcp 2 192.0.2.2 443 typ host tcptype passive generation 1',
      },
    ]);
    expect(remoteCandidates(ti, [])).toEqual([]);
  });
});
