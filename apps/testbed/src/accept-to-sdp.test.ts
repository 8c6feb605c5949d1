import type { JingleMessage } from '@stagecast/jitsi/testing';
import * as sdpTransform from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { acceptToAnswerSdp, candidateFromSdp, candidateToSdp } from './accept-to-sdp.js';

const transport = {
  ufrag: 'uf12',
  pwd: 'p'.repeat(24),
  fingerprints: [{ hash: 'sha-256', value: 'AA:BB', setup: 'active' as const }],
  candidates: [],
  webSockets: [],
  rtcpMux: true,
};
const accept: JingleMessage = {
  action: 'session-accept',
  sid: 's1',
  contents: (['audio', 'video'] as const).map((media) => ({
    name: media,
    creator: 'initiator' as const,
    senders: 'both' as const,
    transport,
    description: {
      media,
      payloadTypes:
        media === 'audio'
          ? [{ id: 111, name: 'opus', clockrate: 48000, channels: 2, parameters: [{ name: 'useinbandfec', value: '1' }], rtcpFbs: [{ type: 'transport-cc' }] }]
          : [
              { id: 100, name: 'VP8', clockrate: 90000, parameters: [], rtcpFbs: [{ type: 'nack', subtype: 'pli' }] },
              { id: 96, name: 'rtx', clockrate: 90000, parameters: [{ name: 'apt', value: '100' }], rtcpFbs: [] },
            ],
      rtcpFbs: [],
      headerExtensions: [
        { id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' },
        { id: 3, uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' },
      ],
      rtcpMux: true,
      extmapAllowMixed: false,
      sources: [],
      ssrcGroups: [],
    },
  })),
  groups: [],
};

describe('acceptToAnswerSdp', () => {
  it('rebuilds codecs, ICE/DTLS and the declared sources (with FID) as an audio/video answer', () => {
    const sdp = sdpTransform.parse(
      acceptToAnswerSdp(accept, [{ ssrc: 7, rtxSsrc: 8, media: 'video', owner: 'ep1', name: 'ep1-v0', msid: 'ep1-video-0-1 t-1' }]),
    );
    const [a, v] = sdp.media;
    expect(a).toMatchObject({ mid: 'audio', direction: 'recvonly', iceUfrag: 'uf12', setup: 'active', fingerprint: { type: 'sha-256', hash: 'AA:BB' } });
    expect(a!.rtp).toEqual([{ payload: 111, codec: 'opus', rate: 48000, encoding: 2 }]);
    expect(a!.ext).toEqual([{ value: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' }]);
    expect(v!.direction).toBe('sendrecv');
    expect(v!.fmtp).toEqual([{ payload: 96, config: 'apt=100' }]);
    expect(v!.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: '7 8' }]);
    expect(v!.ssrcs).toContainEqual({ id: 8, attribute: 'msid', value: 'ep1-video-0-1 t-1' });
  });

  it('refuses an accept without ICE/DTLS', () => {
    const bad = { ...accept, contents: accept.contents.map((c) => ({ ...c, transport: { ...transport, ufrag: undefined } })) };
    expect(() => acceptToAnswerSdp(bad as JingleMessage, [])).toThrow(/no ICE ufrag\/pwd/);
  });
});

describe('candidates', () => {
  it('round-trips SDP ⇄ XEP-0176', () => {
    const line = 'candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host generation 0';
    const parsed = sdpTransform.parse(`v=0\r\nm=audio 9 RTP/AVP 0\r\na=${line}\r\n`).media[0]!.candidates![0]!;
    const j = candidateFromSdp(parsed, 'c0');
    expect(j).toMatchObject({ ip: '127.0.0.1', port: 40000, protocol: 'udp', type: 'host', priority: 2015363327 });
    expect(candidateToSdp(j)).toBe(line);
    expect(candidateToSdp({ ...j, type: 'srflx', relAddr: '10.0.0.1', relPort: 5 })).toContain('typ srflx raddr 10.0.0.1 rport 5');
  });
});
