/**
 * SDP handling for webrtcbin as the answerer (docs/jitsi-protocol.md §8): filter the bridge's offer to what we use
 * (opus; VP8 + RTX or H264 + RTX), learn the PTs and header-extension ids to configure our payloaders with, and read
 * back the RTX SSRC webrtcbin put in its answer. Pure functions over sdp-transform objects.
 */
import * as sdpTransform from 'sdp-transform';
import type { VideoCodec } from '../protocol/messages.js';

export const URI_AUDIO_LEVEL = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
export const URI_TWCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
export const URI_MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const KEEP_EXT = new Set([URI_AUDIO_LEVEL, URI_TWCC]);

export interface NegotiatedAudio {
  pt: number;
  extmaps: Record<number, string>;
}
export interface NegotiatedVideo {
  codec: VideoCodec;
  pt: number;
  rtxPt?: number;
  extmaps: Record<number, string>;
  fmtp?: string;
}
export interface FilteredOffer {
  sdp: string;
  audio?: NegotiatedAudio;
  video?: NegotiatedVideo;
  /** mid per m-line index of the filtered offer (answer keeps the order). */
  mids: string[];
}

export class OfferError extends Error {
  override name = 'OfferError';
}

const codecName = (c: VideoCodec) => (c === 'vp8' ? 'VP8' : 'H264');

/** mid of the extra video m-line that carries our screen-share (desktop) source. */
export const DESKTOP_MID = 'video-desktop';

/**
 * Keep opus + one video codec (+ its RTX), audio-level and TWCC extensions; drop AV1/VP9/RED/telephone-event.
 * With `desktopMline`, append a copy of the video m-line (no remote SSRCs, offered recvonly → we answer sendonly) for a
 * second video send source: webrtcbin sends one source per transceiver and Jitsi offers one video m-line. The Jingle
 * layer merges both video m-lines of the answer into one `<content name="video">` (jitsi-protocol.md §8), as LJM
 * does for its extra unified-plan m-lines.
 */
export function filterOffer(sdp: string, preferred: VideoCodec, opts: { desktopMline?: boolean } = {}): FilteredOffer {
  const s = sdpTransform.parse(sdp);
  const out: FilteredOffer = { sdp: '', mids: [] };
  for (const m of s.media) {
    out.mids.push(String(m.mid ?? out.mids.length));
    let keep: number[] = [];
    if (m.type === 'audio') {
      const opus = m.rtp.find((r) => r.codec.toLowerCase() === 'opus');
      if (!opus) throw new OfferError(`audio m-line ${m.mid} offers no opus`);
      keep = [opus.payload];
      out.audio = { pt: opus.payload, extmaps: extmapsOf(m) };
    } else if (m.type === 'video') {
      const order: VideoCodec[] = preferred === 'vp8' ? ['vp8', 'h264'] : ['h264', 'vp8'];
      let chosen: { codec: VideoCodec; pt: number } | undefined;
      for (const c of order) {
        const candidates = m.rtp.filter((r) => r.codec.toUpperCase() === codecName(c));
        // H264: prefer packetization-mode=1 constrained baseline (jicofo's 42e01f), what x264enc/rtph264pay produce.
        const pick =
          c === 'h264'
            ? (candidates.find((r) => /packetization-mode=1/.test(fmtpOf(m, r.payload) ?? '')) ?? candidates[0])
            : candidates[0];
        if (pick) {
          chosen = { codec: c, pt: pick.payload };
          break;
        }
      }
      if (!chosen) throw new OfferError(`video m-line ${m.mid} offers neither VP8 nor H264`);
      const rtx = m.rtp.find(
        (r) =>
          r.codec.toLowerCase() === 'rtx' &&
          new RegExp(`(^|;)\\s*apt=${chosen.pt}(;|$)`).test(fmtpOf(m, r.payload) ?? ''),
      );
      keep = rtx ? [chosen.pt, rtx.payload] : [chosen.pt];
      const fmtp = fmtpOf(m, chosen.pt);
      out.video = {
        codec: chosen.codec,
        pt: chosen.pt,
        ...(rtx ? { rtxPt: rtx.payload } : {}),
        extmaps: extmapsOf(m),
        ...(fmtp ? { fmtp } : {}),
      };
    } else {
      continue; // application (SCTP) m-lines are not used
    }
    m.rtp = m.rtp.filter((r) => keep.includes(r.payload));
    m.fmtp = (m.fmtp ?? [])
      .filter((f) => keep.includes(f.payload))
      .map((f) => ({ ...f, config: f.config.replace(/;+\s*$/, '') }));
    m.rtcpFb = (m.rtcpFb ?? []).filter((f) => String(f.payload) === '*' || keep.includes(Number(f.payload)));
    m.payloads = keep.join(' ');
    m.ext = (m.ext ?? []).filter((e) => KEEP_EXT.has(e.uri));
  }
  if (opts.desktopMline) {
    const v = s.media.find((m) => m.type === 'video');
    if (v) {
      const copy: sdpTransform.MediaDescription = JSON.parse(JSON.stringify(v));
      copy.mid = DESKTOP_MID;
      copy.direction = 'recvonly';
      delete copy.ssrcs;
      delete copy.ssrcGroups;
      delete copy.msid;
      s.media.push(copy);
      out.mids.push(DESKTOP_MID);
      for (const g of s.groups ?? []) if (g.type === 'BUNDLE') g.mids = `${g.mids} ${DESKTOP_MID}`;
    }
  }
  out.sdp = sdpTransform.write(s);
  return out;
}

function fmtpOf(m: sdpTransform.MediaDescription, pt: number): string | undefined {
  return m.fmtp?.find((f) => f.payload === pt)?.config;
}

function extmapsOf(m: sdpTransform.MediaDescription): Record<number, string> {
  const r: Record<number, string> = {};
  for (const e of m.ext ?? []) if (KEEP_EXT.has(e.uri)) r[e.value] = e.uri;
  return r;
}

/** RTX SSRC per primary SSRC from `a=ssrc-group:FID <primary> <rtx>` lines of an SDP we generated. */
export function fidGroups(sdp: string): Map<number, number> {
  const s = sdpTransform.parse(sdp);
  const map = new Map<number, number>();
  for (const m of s.media) {
    for (const g of m.ssrcGroups ?? []) {
      if (g.semantics !== 'FID') continue;
      const [p, r] = g.ssrcs.split(/\s+/).map(Number);
      if (p && r) map.set(p, r);
    }
  }
  return map;
}

/** mids by m-line index. */
export function midsOf(sdp: string): string[] {
  return sdpTransform.parse(sdp).media.map((m, i) => String(m.mid ?? i));
}
