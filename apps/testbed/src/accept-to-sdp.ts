/**
 * A participant's Jingle session-accept → the answer SDP the testbed's ForwardingBridge expects (mids `audio`/`video`,
 * like a jicofo-shaped answer). The bridge only reads codecs, header extensions, ICE/DTLS, direction and SSRC lines
 * (packages/media src/engine/bridge-sdp.ts `toWebrtcbinAnswer`). Mapping per XEP-0167 §7 (payload types),
 * XEP-0293 (rtcp-fb), XEP-0294 (rtp-hdrext), XEP-0176 (ICE), XEP-0320 (DTLS fingerprint), XEP-0339 (sources/groups).
 */
import type { RemoteSource } from '@stagecast/jitsi';
import type { JingleCandidate, JingleMessage } from '@stagecast/jitsi/testing';
import * as sdpTransform from 'sdp-transform';

/** Header extensions the bridge's webrtcbin offers (audio-level 1, TWCC 5); others would not match its offer. */
const BRIDGE_EXTENSIONS = new Set([
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
]);

/** XEP-0176 candidate → SDP `candidate:` attribute value (RFC 8839 §5.1 grammar). */
export function candidateToSdp(c: JingleCandidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.protocol.toUpperCase()} ${c.priority} ${c.ip} ${c.port} typ ${c.type}`;
  if (c.relAddr !== undefined && c.relPort !== undefined) s += ` raddr ${c.relAddr} rport ${c.relPort}`;
  if (c.tcptype) s += ` tcptype ${c.tcptype}`;
  return `${s} generation ${c.generation}`;
}

/** SDP candidate (from sdp-transform) → XEP-0176 candidate for the focus's offer. */
export function candidateFromSdp(c: NonNullable<sdpTransform.MediaAttributes['candidates']>[number], id: string): JingleCandidate {
  const type = c.type as JingleCandidate['type'];
  const out: JingleCandidate = {
    component: c.component,
    foundation: String(c.foundation),
    generation: c.generation ?? 0,
    id,
    network: 0,
    ip: c.ip,
    port: c.port,
    priority: c.priority,
    protocol: c.transport.toLowerCase(),
    type,
  };
  if (c.raddr !== undefined) out.relAddr = c.raddr;
  if (c.rport !== undefined) out.relPort = c.rport;
  if (c.tcptype !== undefined) out.tcptype = c.tcptype;
  return out;
}

export function acceptToAnswerSdp(accept: JingleMessage, sources: readonly RemoteSource[]): string {
  const shared = accept.contents.find((c) => c.transport?.ufrag)?.transport;
  if (!shared?.ufrag || !shared.pwd || shared.fingerprints.length === 0) {
    throw new Error('session-accept carries no ICE ufrag/pwd or DTLS fingerprint');
  }
  const fp = shared.fingerprints[0]!;
  const media: sdpTransform.MediaDescription[] = [];
  for (const kind of ['audio', 'video'] as const) {
    const content = accept.contents.find((c) => c.description?.media === kind);
    const d = content?.description;
    if (!content || !d) throw new Error(`session-accept has no ${kind} content`);
    const own = sources.filter((s) => s.media === kind);
    const m: sdpTransform.MediaDescription = {
      type: kind,
      port: 9,
      protocol: 'UDP/TLS/RTP/SAVPF',
      payloads: d.payloadTypes.map((p) => p.id).join(' '),
      connection: { version: 4, ip: '0.0.0.0' },
      rtp: d.payloadTypes.map((p) => ({
        payload: p.id,
        codec: p.name,
        rate: p.clockrate ?? (kind === 'audio' ? 48000 : 90000),
        ...(p.channels && p.channels > 1 ? { encoding: p.channels } : {}),
      })),
      fmtp: d.payloadTypes
        .filter((p) => p.parameters.length > 0)
        .map((p) => ({ payload: p.id, config: p.parameters.map((x) => `${x.name}=${x.value}`).join(';') })),
      rtcpFb: d.payloadTypes.flatMap((p) =>
        p.rtcpFbs.map((f) => ({ payload: p.id, type: f.type, ...(f.subtype ? { subtype: f.subtype } : {}) })),
      ),
      ext: d.headerExtensions.filter((e) => BRIDGE_EXTENSIONS.has(e.uri)).map((e) => ({ value: e.id, uri: e.uri })),
      mid: content.name,
      rtcpMux: 'rtcp-mux',
      iceUfrag: shared.ufrag,
      icePwd: shared.pwd,
      fingerprint: { type: fp.hash, hash: fp.value },
      setup: fp.setup ?? 'active',
      direction: own.length > 0 ? 'sendrecv' : 'recvonly',
      ssrcs: own.flatMap((s) =>
        (s.rtxSsrc ? [s.ssrc, s.rtxSsrc] : [s.ssrc]).flatMap((ssrc) => [
          { id: ssrc, attribute: 'cname', value: s.owner },
          ...(s.msid ? [{ id: ssrc, attribute: 'msid', value: s.msid }] : []),
        ]),
      ),
      ssrcGroups: own.filter((s) => s.rtxSsrc).map((s) => ({ semantics: 'FID', ssrcs: `${s.ssrc} ${s.rtxSsrc}` })),
    };
    media.push(m);
  }
  return sdpTransform.write({
    version: 0,
    origin: { username: '-', sessionId: 1, sessionVersion: 2, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
    name: '-',
    timing: { start: 0, stop: 0 },
    groups: [{ type: 'BUNDLE', mids: 'audio video' }],
    media,
  });
}
