/**
 * JingleMessage → `<jingle>` element (inverse of parseJingle: `parseJingle(buildJingle(m))` equals `m`).
 * Element and attribute layout follows LJM `modules/sdp/SDP.ts` `toJingle`/`transportToJingle` and XEP-0166/0167/0176/
 * 0293/0294/0320/0338/0339, so jicofo reads our session-accept / source-add / transport-info like a browser's.
 */
import { xml, type Element } from '@xmpp/xml';
import { NS } from '../xml/namespaces.js';
import type {
  JingleCandidate,
  JingleContent,
  JingleDescription,
  JingleMessage,
  JinglePayloadType,
  JingleRtcpFb,
  JingleSource,
  JingleSsrcGroup,
  JingleTransport,
  JsonSource,
  JsonSources,
} from './types.js';

export function buildJingle(msg: JingleMessage): Element {
  const el = xml('jingle', {
    xmlns: NS.jingle,
    action: msg.action,
    initiator: msg.initiator,
    responder: msg.responder,
    sid: msg.sid,
  });
  for (const g of msg.groups) {
    el.append(
      xml(
        'group',
        { xmlns: NS.grouping, semantics: g.semantics },
        ...g.contents.map((name) => xml('content', { name })),
      ),
    );
  }
  for (const c of msg.contents) el.append(buildContent(c));
  if (
    msg.bridgeSessionId !== undefined ||
    msg.bridgeSessionRestart !== undefined ||
    msg.bridgeSessionIceRestart !== undefined ||
    msg.bridgeSessionRegion !== undefined
  ) {
    el.append(
      xml('bridge-session', {
        xmlns: NS.focus,
        id: msg.bridgeSessionId,
        restart: msg.bridgeSessionRestart,
        'ice-restart': msg.bridgeSessionIceRestart,
        region: msg.bridgeSessionRegion,
      }),
    );
  }
  if (msg.reason) {
    el.append(
      xml(
        'reason',
        {},
        xml(msg.reason.condition),
        msg.reason.text !== undefined ? xml('text', {}, msg.reason.text) : null,
      ),
    );
  }
  if (msg.jsonSources) el.append(xml('json-message', { xmlns: NS.jitmeet }, encodeJsonSources(msg.jsonSources)));
  if (msg.startMuted) {
    el.append(xml('startmuted', { xmlns: NS.startMuted, audio: msg.startMuted.audio, video: msg.startMuted.video }));
  }
  if (msg.iceState !== undefined) el.append(xml('ice-state', { xmlns: NS.focus }, msg.iceState));
  return el;
}

function buildContent(c: JingleContent): Element {
  const el = xml('content', { creator: c.creator, name: c.name, senders: c.senders });
  if (c.description) el.append(buildDescription(c.description));
  if (c.transport) el.append(buildTransport(c.transport));
  return el;
}

export function buildDescription(d: JingleDescription): Element {
  const el = xml('description', { xmlns: NS.rtp, media: d.media, maxptime: d.maxptime });
  for (const pt of d.payloadTypes) el.append(buildPayloadType(pt));
  for (const fb of d.rtcpFbs) el.append(buildRtcpFb(fb));
  for (const h of d.headerExtensions) {
    el.append(xml('rtp-hdrext', { xmlns: NS.rtpHdrext, id: h.id, uri: h.uri, senders: h.senders }));
  }
  if (d.extmapAllowMixed) el.append(xml('extmap-allow-mixed', { xmlns: NS.rtpHdrext }));
  for (const s of d.sources) el.append(buildSource(s));
  for (const g of d.ssrcGroups) el.append(buildSsrcGroup(g));
  if (d.rtcpMux) el.append(xml('rtcp-mux'));
  return el;
}

function buildPayloadType(pt: JinglePayloadType): Element {
  const el = xml('payload-type', {
    id: pt.id,
    name: pt.name,
    clockrate: pt.clockrate,
    channels: pt.channels,
    maxptime: pt.maxptime,
    ptime: pt.ptime,
  });
  for (const p of pt.parameters) el.append(xml('parameter', { name: p.name, value: p.value }));
  for (const fb of pt.rtcpFbs) el.append(buildRtcpFb(fb));
  return el;
}

function buildRtcpFb(fb: JingleRtcpFb): Element {
  return xml('rtcp-fb', { xmlns: NS.rtcpFb, type: fb.type, subtype: fb.subtype });
}

export function buildSource(s: JingleSource): Element {
  return xml(
    'source',
    { xmlns: NS.ssma, ssrc: s.ssrc, name: s.name, videoType: s.videoType },
    s.owner !== undefined ? xml('ssrc-info', { xmlns: NS.jitmeet, owner: s.owner }) : null,
    s.cname !== undefined ? xml('parameter', { name: 'cname', value: s.cname }) : null,
    s.msid !== undefined ? xml('parameter', { name: 'msid', value: s.msid }) : null,
  );
}

export function buildSsrcGroup(g: JingleSsrcGroup): Element {
  return xml(
    'ssrc-group',
    { xmlns: NS.ssma, semantics: g.semantics },
    ...g.ssrcs.map((ssrc) => xml('source', { ssrc })),
  );
}

export function buildTransport(t: JingleTransport): Element {
  const el = xml('transport', { xmlns: NS.iceUdp, ufrag: t.ufrag, pwd: t.pwd });
  if (t.rtcpMux) el.append(xml('rtcp-mux'));
  for (const f of t.fingerprints) {
    el.append(xml('fingerprint', { xmlns: NS.dtls, hash: f.hash, setup: f.setup }, f.value));
  }
  for (const c of t.candidates) el.append(buildCandidate(c));
  for (const url of t.webSockets) el.append(xml('web-socket', { xmlns: NS.colibri, url }));
  return el;
}

export function buildCandidate(c: JingleCandidate): Element {
  return xml('candidate', {
    component: c.component,
    foundation: c.foundation,
    generation: c.generation,
    id: c.id,
    network: c.network,
    ip: c.ip,
    port: c.port,
    priority: c.priority,
    protocol: c.protocol,
    'rel-addr': c.relAddr,
    'rel-port': c.relPort,
    tcptype: c.tcptype,
    type: c.type,
  });
}

function encodeJsonSource(s: JsonSource): Record<string, string | number> {
  const out: Record<string, string | number> = { s: s.ssrc };
  if (s.name !== undefined) out.n = s.name;
  if (s.msid !== undefined) out.m = s.msid;
  if (s.videoType === 'desktop') out.v = 'd';
  return out;
}

function encodeGroup(g: JingleSsrcGroup): (string | number)[] {
  const sem = g.semantics === 'FID' ? 'f' : g.semantics === 'SIM' ? 's' : g.semantics;
  return [sem, ...g.ssrcs];
}

/** JsonSources → the compact JSON text jicofo puts in `<json-message>` (`{"sources":{owner:[v, vg, a, ag]}}`). */
export function encodeJsonSources(sources: JsonSources): string {
  const out: Record<string, unknown[]> = {};
  for (const [owner, set] of Object.entries(sources)) {
    const entry: unknown[] = [
      set.video.map(encodeJsonSource),
      set.videoGroups.map(encodeGroup),
      set.audio.map(encodeJsonSource),
    ];
    if (set.audioGroups.length > 0) entry.push(set.audioGroups.map(encodeGroup));
    out[owner] = entry;
  }
  return JSON.stringify({ sources: out });
}

export interface SessionTerminateParams {
  sid: string;
  initiator?: string;
  /** XEP-0166 §7.4 condition, e.g. `success`, `decline`, `connectivity-error`, `general-error`. */
  condition: string;
  text?: string;
  /** `<bridge-session id>` of the session (from the offer); needed for a restart request. */
  bridgeSessionId?: string;
  /** Ask jicofo for a new session (§14: ICE failed or media engine restarted). */
  restart?: boolean;
}

/** `session-terminate`, optionally as jicofo's restart request (`<bridge-session id restart="true"/>`, §14). */
export function sessionTerminate(params: SessionTerminateParams): JingleMessage {
  const msg: JingleMessage = { action: 'session-terminate', sid: params.sid, contents: [], groups: [] };
  if (params.initiator !== undefined) msg.initiator = params.initiator;
  msg.reason =
    params.text !== undefined ? { condition: params.condition, text: params.text } : { condition: params.condition };
  if (params.bridgeSessionId !== undefined) msg.bridgeSessionId = params.bridgeSessionId;
  if (params.restart) msg.bridgeSessionRestart = true;
  return msg;
}

/** Declines a browser's P2P offer (§13); the browser stays on the bridge. */
export function declineP2p(offer: Pick<JingleMessage, 'sid' | 'initiator'>): JingleMessage {
  const params: SessionTerminateParams = { sid: offer.sid, condition: 'decline', text: 'P2P disabled' };
  if (offer.initiator !== undefined) params.initiator = offer.initiator;
  return sessionTerminate(params);
}

/** Restart request after ICE failure or an engine crash (§14); ≥ 5 s apart, ≤ 5/min (jicofo rate limit). */
export function restartRequest(offer: Pick<JingleMessage, 'sid' | 'initiator' | 'bridgeSessionId'>): JingleMessage {
  const params: SessionTerminateParams = {
    sid: offer.sid,
    condition: 'connectivity-error',
    text: 'ICE FAILED',
    restart: true,
  };
  if (offer.initiator !== undefined) params.initiator = offer.initiator;
  if (offer.bridgeSessionId !== undefined) params.bridgeSessionId = offer.bridgeSessionId;
  return sessionTerminate(params);
}

/**
 * IQ error payload for a Jingle request we cannot take (XEP-0166 §10): `unknown-session` → item-not-found +
 * `<unknown-session xmlns="urn:xmpp:jingle:errors:1"/>`; `bad-request` for a malformed stanza.
 */
export function jingleErrorElement(kind: 'unknown-session' | 'bad-request' | 'out-of-order', text?: string): Element {
  const condition =
    kind === 'unknown-session' ? 'item-not-found' : kind === 'out-of-order' ? 'unexpected-request' : 'bad-request';
  return xml(
    'error',
    { type: kind === 'bad-request' ? 'modify' : kind === 'out-of-order' ? 'wait' : 'cancel' },
    xml(condition, { xmlns: NS.stanzas }),
    text !== undefined ? xml('text', { xmlns: NS.stanzas }, text) : null,
    kind !== 'bad-request' ? xml(kind, { xmlns: NS.jingleErrors }) : null,
  );
}
