import * as sdpTransform from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { toJitsiBridgeOffer, toWebrtcbinAnswer, withRemoteSources } from './bridge-sdp.js';

const common = ['a=setup:actpass', 'a=ice-ufrag:uf', 'a=ice-pwd:pw', 'a=rtcp-mux', 'a=fingerprint:sha-256 AB:CD'];
// Shape of a webrtcbin 1.22 offer: sendrecv audio/video (codec preferences) + one sendonly m-line per forwarded source.
const rawOffer = [
  'v=0',
  'o=- 1 0 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=group:BUNDLE audio0 video1 video2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  ...common,
  'a=sendrecv',
  'a=rtpmap:111 OPUS/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=mid:audio0',
  'm=video 0 UDP/TLS/RTP/SAVPF 100 107 96',
  'c=IN IP4 0.0.0.0',
  ...common,
  'a=bundle-only',
  'a=sendrecv',
  'a=rtpmap:100 VP8/90000',
  'a=rtcp-fb:100 nack',
  'a=rtcp-fb:100 nack pli',
  'a=rtpmap:107 H264/90000',
  'a=fmtp:107 packetization-mode=1;profile-level-id=42e01f',
  'a=rtpmap:96 rtx/90000',
  'a=fmtp:96 apt=100',
  'a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=mid:video1',
  'm=video 0 UDP/TLS/RTP/SAVPF 100',
  'c=IN IP4 0.0.0.0',
  ...common,
  'a=bundle-only',
  'a=sendonly',
  'a=rtpmap:100 VP8/90000',
  'a=ssrc:555 cname:whatever',
  'a=mid:video2',
  '',
].join('\r\n');

const sources = [
  { owner: 'ep1', name: 'ep1-v0', media: 'video' as const, ssrc: 555, rtxSsrc: 556, msid: 'ep1-video-0-1 t-1' },
  { owner: 'ep1', name: 'ep1-a0', media: 'audio' as const, ssrc: 444, msid: 'ep1-audio-0-1 t-1' },
];

describe('toJitsiBridgeOffer', () => {
  it('merges webrtcbin m-lines into jicofo shape: mids audio/video, PTs, extmaps, SSRCs + FID, jvb, candidates', () => {
    const sdp = toJitsiBridgeOffer(rawOffer, {
      sources,
      jvb: { audio: 1, video: 2 },
      candidates: ['candidate:1 1 UDP 2015363327 127.0.0.1 50000 typ host'],
      gatheringComplete: true,
      h264: true,
      version: 3,
    });
    const s = sdpTransform.parse(sdp);
    expect(s.groups).toEqual([{ type: 'BUNDLE', mids: 'audio video' }]);
    expect(s.origin?.sessionVersion).toBe(3);
    const [a, v] = s.media;
    expect([a!.mid, a!.port, a!.direction, String(a!.payloads)]).toEqual(['audio', 9, 'sendrecv', '111']);
    expect([v!.mid, v!.port, v!.bundleOnly, String(v!.payloads)]).toEqual(['video', 9, undefined, '100 107 96 99']);
    expect(v!.fmtp).toContainEqual({ payload: 99, config: 'apt=107' });
    expect(v!.fmtp).toContainEqual({
      payload: 107,
      config: 'profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1',
    });
    expect(a!.ext!.map((e) => e.value)).toEqual([1, 5]);
    expect(v!.ssrcs).toEqual([
      { id: 555, attribute: 'cname', value: 'ep1' },
      { id: 555, attribute: 'msid', value: 'ep1-video-0-1 t-1' },
      { id: 556, attribute: 'cname', value: 'ep1' },
      { id: 556, attribute: 'msid', value: 'ep1-video-0-1 t-1' },
      { id: 2, attribute: 'cname', value: 'jvb' },
      { id: 2, attribute: 'msid', value: 'mixedmslabel mixedlabelvideo0' },
    ]);
    expect(v!.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: '555 556' }]);
    expect(a!.candidates).toHaveLength(1);
    expect(a!.endOfCandidates).toBe('end-of-candidates');
  });

  it('VP8 only: no H264 payload types', () => {
    const s = sdpTransform.parse(
      toJitsiBridgeOffer(rawOffer, {
        sources: [],
        jvb: { audio: 1, video: 2 },
        candidates: [],
        gatheringComplete: false,
        h264: false,
        version: 1,
      }),
    );
    expect(String(s.media[1]!.payloads)).toBe('100 96');
    expect(s.media[0]!.endOfCandidates).toBeUndefined();
  });
});

describe('toWebrtcbinAnswer', () => {
  const answer = [
    'v=0',
    'o=- 9 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    'a=group:BUNDLE audio video',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:pu',
    'a=ice-pwd:pp',
    'a=mid:audio',
    'a=rtcp-mux',
    'a=setup:active',
    'a=rtpmap:111 OPUS/48000/2',
    'a=ssrc:777 cname:x',
    'a=sendrecv',
    'a=fingerprint:sha-256 EF:01',
    'm=video 9 UDP/TLS/RTP/SAVPF 100 96',
    'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:pu',
    'a=ice-pwd:pp',
    'a=mid:video',
    'a=rtcp-mux',
    'a=setup:active',
    'a=rtpmap:100 VP8/90000',
    'a=rtpmap:96 rtx/90000',
    'a=fmtp:96 apt=100',
    'a=ssrc-group:FID 888 889',
    'a=ssrc:888 cname:x',
    'a=ssrc:889 cname:x',
    'a=sendrecv',
    'a=fingerprint:sha-256 EF:01',
    '',
  ].join('\r\n');

  it('expands the participant answer to webrtcbin mids; its SSRCs on the first m-line per kind, legs recvonly', () => {
    const s = sdpTransform.parse(toWebrtcbinAnswer(answer, rawOffer));
    expect(s.media.map((m) => [m.mid, m.direction, m.port, String(m.payloads)])).toEqual([
      ['audio0', 'sendrecv', 9, '111'],
      ['video1', 'sendrecv', 9, '100 96'],
      ['video2', 'recvonly', 9, '100'],
    ]);
    expect(s.groups).toEqual([{ type: 'BUNDLE', mids: 'audio0 video1 video2' }]);
    expect(s.media[1]!.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: '888 889' }]);
    expect(s.media[2]!.ssrcs).toBeUndefined();
    expect(s.media.every((m) => m.setup === 'active' && m.iceUfrag === 'pu' && m.fingerprint?.hash === 'EF:01')).toBe(
      true,
    );
  });
});

describe('withRemoteSources', () => {
  it('replaces SSRC lines (keeping jvb) like a Jingle source-add/remove does', () => {
    const offer = toJitsiBridgeOffer(rawOffer, {
      sources,
      jvb: { audio: 1, video: 2 },
      candidates: [],
      gatheringComplete: true,
      h264: false,
      version: 1,
    });
    const s = sdpTransform.parse(withRemoteSources(offer, [sources[1]!], 7));
    expect(s.origin?.sessionVersion).toBe(7);
    expect(s.media[1]!.ssrcs!.map((l) => l.id)).toEqual([2, 2]);
    expect(s.media[1]!.ssrcGroups ?? []).toEqual([]);
    expect(s.media[0]!.ssrcs!.map((l) => l.id)).toEqual([1, 1, 444, 444]);
  });
});
