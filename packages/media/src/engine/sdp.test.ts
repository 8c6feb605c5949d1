import { describe, expect, it } from 'vitest';
import * as sdpTransform from 'sdp-transform';
import { fidGroups, filterOffer, OfferError } from './sdp.js';

// A Jingle→SDP translation of a jicofo offer (docs/jitsi-protocol.md §7): opus+red+telephone-event, AV1/VP8/VP9/H264 with RTX.
const jitsiOffer = [
  'v=0',
  'o=- 1 2 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=group:BUNDLE audio video',
  'a=extmap-allow-mixed',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 112 126',
  'c=IN IP4 0.0.0.0',
  'a=mid:audio',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:112 red/48000/2',
  'a=rtpmap:126 telephone-event/8000',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtcp-fb:111 transport-cc',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=ssrc:3659539811 cname:jvb',
  'a=ssrc:3659539811 msid:mixedmslabel mixedlabelaudio0',
  'm=video 9 UDP/TLS/RTP/SAVPF 41 42 100 96 101 97 107 99',
  'c=IN IP4 0.0.0.0',
  'a=mid:video',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:41 AV1/90000',
  'a=rtpmap:42 rtx/90000',
  'a=fmtp:42 apt=41',
  'a=rtpmap:100 VP8/90000',
  'a=rtpmap:96 rtx/90000',
  'a=fmtp:96 apt=100',
  'a=rtpmap:101 VP9/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=101',
  'a=rtpmap:107 H264/90000',
  'a=fmtp:107 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1;',
  'a=rtpmap:99 rtx/90000',
  'a=fmtp:99 apt=107',
  'a=rtcp-fb:100 ccm fir',
  'a=rtcp-fb:100 nack',
  'a=rtcp-fb:100 nack pli',
  'a=rtcp-fb:100 transport-cc',
  'a=rtcp-fb:41 nack',
  'a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=ssrc:257838819 cname:831de82b',
  'a=ssrc:257838819 msid:831de82b-video-1 9bb9-1',
  'a=ssrc:865670341 cname:831de82b',
  'a=ssrc:865670341 msid:831de82b-video-1 9bb9-1',
  'a=ssrc-group:FID 257838819 865670341',
  '',
].join('\r\n');

describe('filterOffer', () => {
  it('keeps opus, VP8 + its RTX, audio-level and TWCC; drops AV1/VP9/RED/telephone-event/abs-send-time', () => {
    const f = filterOffer(jitsiOffer, 'vp8');
    expect(f.audio).toEqual({
      pt: 111,
      extmaps: { 1: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', 5: expect.stringContaining('transport-wide-cc') },
    });
    expect(f.video).toMatchObject({ codec: 'vp8', pt: 100, rtxPt: 96 });
    const s = sdpTransform.parse(f.sdp);
    expect(s.media[0]!.rtp.map((r) => r.payload)).toEqual([111]);
    expect(s.media[1]!.rtp.map((r) => r.payload)).toEqual([100, 96]);
    expect(s.media[1]!.ext!.map((e) => e.value)).toEqual([5]);
    expect(s.media[1]!.rtcpFb!.every((fb) => fb.payload === 100)).toBe(true);
    expect(s.media[1]!.ssrcs!.length).toBe(4);
    expect(f.mids).toEqual(['audio', 'video']);
  });
  it('prefers H264 (packetization-mode=1) + RTX 99 when asked, trimming the trailing ;', () => {
    const f = filterOffer(jitsiOffer, 'h264');
    expect(f.video).toMatchObject({ codec: 'h264', pt: 107, rtxPt: 99 });
    expect(f.sdp).toContain('a=fmtp:107 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1\r\n');
  });
  it('rejects an offer without a usable codec', () => {
    expect(() => filterOffer(jitsiOffer.replace(/opus/g, 'speex'), 'vp8')).toThrow(OfferError);
  });
  it('reads FID groups', () => {
    expect(fidGroups(jitsiOffer).get(257838819)).toBe(865670341);
  });
  it('desktopMline: a second, recvonly video m-line without remote SSRCs, in the BUNDLE group', () => {
    const f = filterOffer(jitsiOffer, 'vp8', { desktopMline: true });
    const s = sdpTransform.parse(f.sdp);
    expect(s.media.map((m) => [m.mid, m.direction ?? 'sendrecv'])).toEqual([
      ['audio', 'sendrecv'],
      ['video', 'sendrecv'],
      ['video-desktop', 'recvonly'],
    ]);
    expect(s.media[2]!.ssrcs).toBeUndefined();
    expect(s.media[2]!.rtp.map((r) => r.payload)).toEqual([100, 96]);
    expect(s.groups?.[0]?.mids).toBe('audio video video-desktop');
    expect(f.mids).toEqual(['audio', 'video', 'video-desktop']);
  });
});
