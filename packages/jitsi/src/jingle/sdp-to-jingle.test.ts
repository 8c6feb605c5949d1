import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LocalSourceDescription } from '../media-port.js';
import { buildJingle } from './build-jingle.js';
import { parseJingle } from './parse-jingle.js';
import {
  candidateFromSdp,
  candidateToSdpAttribute,
  fmtpToParameters,
  sdpToSessionAccept,
  sourceChange,
  transportInfo,
} from './sdp-to-jingle.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const read = (p: string) => readFileSync(fixtures + p, 'utf8');
const offer = parseJingle(read('jingle/initiate-av-xml-sources.xml'));
// A hand-written answer variant stressing the parser: bundle-only m-line with port 0, rtcp-mux-only, rtcp-rsize,
// upper-case encoding names, an extmap id that differs from the offer, end-of-candidates.
const answerSdp = read('sdp/answer-bundle-only-variant.sdp');
const localSources: LocalSourceDescription[] = [
  {
    name: 'a1b2c3d4-a0',
    media: 'audio',
    ssrc: 1111111111,
    msid: 'a1b2c3d4-audio-0-1 5f3c2a1e-7b8d-4c9e-a0f1-2b3c4d5e6f70-1',
  },
  {
    name: 'a1b2c3d4-v0',
    media: 'video',
    ssrc: 2222222222,
    msid: 'a1b2c3d4-video-0-1 9a7e6d5c-4b3a-4291-8f0e-1d2c3b4a5968-1',
    videoType: 'camera',
  },
];
const responder = 'a1b2c3d4@meet.example.com/Xk3vd9qJ';

describe('sdpToSessionAccept', () => {
  const accept = sdpToSessionAccept({ offer, answerSdp, localSources, responder });

  it('matches the golden session-accept and survives XML round-trip', () => {
    expect(accept).toEqual(parseJingle(read('jingle/accept-bundle-only-variant.xml')));
    expect(parseJingle(buildJingle(accept).toString())).toEqual(accept);
  });

  it('meets jicofo requirements (§9)', () => {
    expect(accept.sid).toBe(offer.sid);
    expect(accept.initiator).toBe(offer.initiator);
    expect(accept.responder).toBe(responder);
    for (const c of accept.contents) {
      expect(c.creator).toBe('responder');
      expect(c.senders).toBe('both');
      expect(c.transport?.fingerprints).toEqual([expect.objectContaining({ setup: 'active', hash: 'sha-256' })]);
      expect(c.transport?.ufrag).toBe('Gq2xRbq0tWk1oUvJ3dF8cH5aZ7yN4mLs');
      // payload types are a subset of the offer with the same ids and the offer's names
      for (const pt of c.description?.payloadTypes ?? []) {
        const o = offer.contents.find((x) => x.name === c.name)?.description?.payloadTypes.find((p) => p.id === pt.id);
        expect(o?.name).toBe(pt.name);
      }
      for (const s of c.description?.sources ?? []) {
        expect(s.name).toMatch(/^a1b2c3d4-[av]0$/);
        expect(s.msid).toBeTruthy();
        if (c.description?.media === 'video') expect(s.videoType).toBe('camera');
      }
    }
    const video = accept.contents[1]?.description;
    expect(video?.payloadTypes.map((p) => p.id)).toEqual([100, 96]);
    // RTX SSRC read from webrtcbin's FID group, exactly 2 members
    expect(video?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [2222222222, 3333333333] }]);
    // sdes:mid was offered as id 10 but answered as 7: dropped rather than mis-numbered
    expect(video?.headerExtensions.map((h) => h.id)).toEqual([3, 5]);
    // bundle-only m-line (port 0) is accepted, not treated as rejected
    expect(accept.contents.map((c) => c.name)).toEqual(['audio', 'video']);
    expect(accept.contents[0]?.transport?.candidates).toHaveLength(4);
    expect(accept.contents[0]?.transport?.candidates[1]).toMatchObject({ protocol: 'tcp', tcptype: 'active', port: 9 });
  });

  it('prefers the engine-reported RTX SSRC and sends no sources when receive-only', () => {
    const withRtx = sdpToSessionAccept({
      offer,
      answerSdp,
      responder,
      localSources: [{ ...localSources[1]!, rtxSsrc: 4044444444 }],
    });
    expect(withRtx.contents[1]?.description?.ssrcGroups).toEqual([
      { semantics: 'FID', ssrcs: [2222222222, 4044444444] },
    ]);
    expect(withRtx.contents[0]?.description?.sources).toEqual([]);
    const recvOnly = sdpToSessionAccept({
      offer,
      answerSdp: answerSdp.replaceAll('a=sendrecv', 'a=recvonly'),
      responder,
      localSources,
    });
    expect(recvOnly.contents.flatMap((c) => c.description?.sources ?? [])).toEqual([]);
  });

  it('fails typed on a broken answer', () => {
    expect(() => sdpToSessionAccept({ offer, answerSdp: 'v=0\r\n', localSources, responder })).toThrow(
      expect.objectContaining({ reason: 'media-failed' }),
    );
    const noCreds = answerSdp.replace(/a=ice-pwd:.*\r\n/g, '');
    expect(() => sdpToSessionAccept({ offer, answerSdp: noCreds, localSources, responder })).toThrow(/ICE credentials/);
    const alien = answerSdp.replace('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'm=audio 9 UDP/TLS/RTP/SAVPF 0');
    expect(() => sdpToSessionAccept({ offer, answerSdp: alien, localSources, responder })).toThrow(
      expect.objectContaining({ reason: 'no-usable-codec' }),
    );
  });
});

describe('sdpToSessionAccept on an answer recorded from webrtcbin 1.22', () => {
  // Recorded by feeding jingleToSdp(initiate-av-xml-sources) to a real webrtcbin (GStreamer 1.22.0, node-gtk) with
  // opus pt 111 + VP8 pt 100 send branches: no bundle-only, candidates only on the first m-line, no audio ssrc lines,
  // RTX SSRC chosen by webrtcbin in its FID group.
  const recorded = read('sdp/answer-webrtcbin-1.22-recorded.sdp');
  const accept = sdpToSessionAccept({ offer, answerSdp: recorded, localSources, responder });

  it('builds a complete accept', () => {
    expect(accept.contents.map((c) => c.name)).toEqual(['audio', 'video']);
    expect(accept.contents[0]?.description?.sources.map((s) => s.ssrc)).toEqual([1111111111]);
    const video = accept.contents[1]?.description;
    expect(video?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [2222222222, 4164298858] }]);
    expect(video?.payloadTypes.map((p) => `${p.id}:${p.name}`)).toEqual(['100:VP8', '96:rtx']);
    expect(accept.contents[0]?.transport?.candidates).toHaveLength(9);
    const videoTransport = accept.contents[1]?.transport;
    expect(videoTransport?.ufrag).toBe(accept.contents[0]?.transport?.ufrag);
    expect(videoTransport?.fingerprints[0]?.setup).toBe('active');
    expect(parseJingle(buildJingle(accept).toString())).toEqual(accept);
  });
});

describe('candidates', () => {
  it('converts SDP ⇄ Jingle both ways', () => {
    const lines = [
      'candidate:1 1 udp 2015363327 192.0.2.10 50000 typ host generation 0',
      'candidate:4 1 udp 1679819007 198.51.100.99 61234 typ srflx raddr 192.0.2.10 rport 50000 generation 0',
      'candidate:2 1 tcp 1015021823 192.0.2.10 9 typ host tcptype active generation 0',
      'candidate:7 1 udp 41885439 203.0.113.9 3478 typ relay raddr 198.51.100.99 rport 61234 generation 1',
    ];
    for (const line of lines) expect(candidateToSdpAttribute(candidateFromSdp(line))).toBe(line);
    expect(candidateFromSdp('a=candidate:1 1 UDP 2015363327 192.0.2.10 50000 typ host')).toMatchObject({
      protocol: 'udp',
      generation: 0,
      foundation: '1',
    });
    const fromJicofo = offer.contents[0]?.transport?.candidates[1];
    expect(fromJicofo && candidateToSdpAttribute(fromJicofo)).toBe(
      'candidate:2 1 udp 1694498815 10.0.4.12 10000 typ srflx raddr 10.0.4.12 rport 10000 generation 0',
    );
  });

  it('rejects garbage with a JingleError', () => {
    for (const bad of [
      '',
      'candidate:',
      'foo',
      'candidate:1 1 udp x 1.2.3.4 5 typ host',
      'candidate:1 1 udp 1 1.2.3.4 5 typ weird',
    ]) {
      expect(() => candidateFromSdp(bad)).toThrow(
        expect.objectContaining({ name: 'JingleError', reason: 'malformed' }),
      );
    }
  });

  it('builds transport-info for trickled candidates', () => {
    const msg = transportInfo({
      sid: offer.sid,
      initiator: 'focus@auth.meet.example.com/focus',
      contentName: 'audio',
      ufrag: 'uf',
      pwd: 'pw',
      candidates: [candidateFromSdp('candidate:1 1 udp 2015363327 192.0.2.10 50000 typ host')],
    });
    const xml = buildJingle(msg).toString();
    expect(xml).toContain('action="transport-info"');
    expect(xml).toContain('<transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="uf" pwd="pw"><candidate');
    expect(parseJingle(xml)).toEqual(msg);
  });
});

describe('source-add / source-remove for our sources', () => {
  it('uses the session-accept source form', () => {
    const msg = sourceChange('source-add', {
      sid: 's1',
      sources: [{ ...localSources[1]!, name: 'a1b2c3d4-v1', videoType: 'desktop', ssrc: 5, rtxSsrc: 6 }],
    });
    expect(msg.contents).toHaveLength(1);
    expect(msg.contents[0]?.description?.sources).toEqual([
      { ssrc: 5, name: 'a1b2c3d4-v1', videoType: 'desktop', msid: localSources[1]!.msid },
      { ssrc: 6, name: 'a1b2c3d4-v1', videoType: 'desktop', msid: localSources[1]!.msid },
    ]);
    expect(msg.contents[0]?.description?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [5, 6] }]);
    expect(parseJingle(buildJingle(sourceChange('source-remove', { sid: 's1', sources: localSources }))).action).toBe(
      'source-remove',
    );
  });

  it('fmtpToParameters splits name=value and keeps bare values', () => {
    expect(fmtpToParameters('minptime=10;useinbandfec=1')).toEqual([
      { name: 'minptime', value: '10' },
      { name: 'useinbandfec', value: '1' },
    ]);
    expect(fmtpToParameters('111/111;')).toEqual([{ value: '111/111' }]);
  });
});

describe('sdpToSessionAccept with a screen share (video-desktop m-line)', () => {
  // media's filterOffer appends a send-only `video-desktop` m-line for `<ep>-v1` (webrtcbin: one source per m-line).
  const desktopMline = [
    'm=video 0 UDP/TLS/RTP/SAVPF 100 96',
    'c=IN IP4 0.0.0.0',
    'a=setup:active',
    'a=mid:video-desktop',
    'a=bundle-only',
    'a=rtcp-mux',
    'a=sendonly',
    'a=rtpmap:100 VP8/90000',
    'a=rtpmap:96 RTX/90000',
    'a=fmtp:96 apt=100',
    'a=ssrc-group:FID 4044444444 4055555555',
    'a=ssrc:4044444444 cname:user2813069154@host-5c2f1a0e',
    'a=ssrc:4055555555 cname:user2813069154@host-5c2f1a0e',
    '',
  ].join('\r\n');
  const withDesktop = (sdp: string) =>
    sdp.replace('a=group:BUNDLE audio video', 'a=group:BUNDLE audio video video-desktop').trimEnd() + '\r\n' + desktopMline;
  const desktop: LocalSourceDescription = {
    name: 'a1b2c3d4-v1',
    media: 'video',
    ssrc: 4044444444,
    msid: 'a1b2c3d4-video-1-1 0f1e2d3c-4b5a-4697-8877-665544332211-1',
    videoType: 'desktop',
  };

  it('merges the desktop m-line into the video content with its own msid, videoType and FID group', () => {
    const accept = sdpToSessionAccept({
      offer,
      answerSdp: withDesktop(answerSdp),
      localSources: [...localSources, desktop],
      responder,
    });
    expect(accept.contents.map((c) => c.name)).toEqual(['audio', 'video']);
    expect(accept.groups).toEqual([{ semantics: 'BUNDLE', contents: ['audio', 'video'] }]);
    const video = accept.contents[1]!.description!;
    expect(video.sources.map((s) => [s.ssrc, s.name, s.videoType])).toEqual([
      [2222222222, 'a1b2c3d4-v0', 'camera'],
      [3333333333, 'a1b2c3d4-v0', 'camera'],
      [4044444444, 'a1b2c3d4-v1', 'desktop'],
      [4055555555, 'a1b2c3d4-v1', 'desktop'],
    ]);
    expect(video.sources.filter((s) => s.name === 'a1b2c3d4-v1').every((s) => s.msid === desktop.msid)).toBe(true);
    expect(video.ssrcGroups).toEqual([
      { semantics: 'FID', ssrcs: [2222222222, 3333333333] },
      { semantics: 'FID', ssrcs: [4044444444, 4055555555] },
    ]);
    expect(parseJingle(buildJingle(accept).toString())).toEqual(accept);
  });

  it('sends the desktop source when the camera m-line is receive-only', () => {
    const recvCamera = withDesktop(answerSdp.replace(/(a=mid:video\r?\n(?:.*\r?\n)*?)a=sendrecv/, '$1a=recvonly'));
    const accept = sdpToSessionAccept({
      offer,
      answerSdp: recvCamera,
      localSources: [localSources[0]!, desktop],
      responder,
    });
    const video = accept.contents[1]!.description!;
    expect(video.sources.map((s) => s.name)).toEqual(['a1b2c3d4-v1', 'a1b2c3d4-v1']);
    expect(video.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [4044444444, 4055555555] }]);
  });
});
