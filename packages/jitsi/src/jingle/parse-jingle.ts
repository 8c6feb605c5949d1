/**
 * `<jingle>` element → JingleMessage. Lenient about what it does not know (unknown children are skipped, never an
 * error: jbg/gst-meet#87), strict about what it reads (a malformed SSRC, payload id or candidate is a JingleError
 * 'malformed', so the caller can answer bad-request instead of crashing). Never throws anything else.
 * Element shapes: XEP-0166/0167/0176/0293/0294/0320/0338/0339, LJM `modules/sdp/SDP.ts`, jicofo `conference/source/*`.
 */
import type { Element } from '@xmpp/xml';
import { z } from 'zod';
import { JingleError } from '../errors.js';
import { NS } from '../xml/namespaces.js';
import { AttrReader, jingleMalformed, parseXml, truncate } from '../xml/parse.js';
import {
  JINGLE_ACTIONS,
  type JingleAction,
  type JingleCandidate,
  type JingleContent,
  type JingleDescription,
  type JingleFingerprint,
  type JingleGroup,
  type JingleHeaderExtension,
  type JingleMessage,
  type JingleParameter,
  type JinglePayloadType,
  type JingleReason,
  type JingleRtcpFb,
  type JingleSenders,
  type JingleSource,
  type JingleSsrcGroup,
  type JingleTransport,
  type JsonOwnerSources,
  type JsonSource,
  type JsonSources,
} from './types.js';

const r = new AttrReader(jingleMalformed);
const fail = jingleMalformed;

export const U32_MAX = 0xffffffff;
const SENDERS: readonly JingleSenders[] = ['both', 'initiator', 'responder', 'none'];
const CANDIDATE_TYPES: readonly JingleCandidate['type'][] = ['host', 'srflx', 'prflx', 'relay'];
const SETUPS: readonly NonNullable<JingleFingerprint['setup']>[] = ['actpass', 'active', 'passive', 'holdconn'];
/** Legacy jitsi action names still accepted by LJM (`JingleSessionPC`): normalised to the current ones. */
const LEGACY_ACTIONS: Record<string, JingleAction> = { addsource: 'source-add', removesource: 'source-remove' };
/** Bounds that keep a hostile stanza from making us build a gigantic SDP (jicofo allows ≤ 20 sources per endpoint). */
const MAX_CONTENTS = 16;
const MAX_ITEMS = 2000;

/** Parses a `<jingle>` element, or an `<iq>` that contains one, or the XML text of either. */
export function parseJingle(input: Element | string): JingleMessage {
  try {
    return parseJingleUnsafe(input);
  } catch (err) {
    if (err instanceof JingleError) throw err;
    throw fail('unexpected structure', err);
  }
}

function parseJingleUnsafe(input: Element | string): JingleMessage {
  let el = typeof input === 'string' ? parseXml(input, fail) : input;
  if (el === null || typeof el !== 'object' || typeof el.getChild !== 'function') throw fail('not an XML element');
  if (el.getName() === 'iq') {
    const inner = el.getChild('jingle', NS.jingle);
    if (!inner) throw fail('<iq> carries no <jingle xmlns="urn:xmpp:jingle:1">');
    el = inner;
  }
  if (!el.is('jingle', NS.jingle)) throw fail(`expected <jingle xmlns="${NS.jingle}">, got <${truncate(el.name)}>`);

  const rawAction = r.string(el, 'action');
  const action = LEGACY_ACTIONS[rawAction] ?? rawAction;
  if (!(JINGLE_ACTIONS as readonly string[]).includes(action)) {
    throw new JingleError(
      'unsupported',
      `Jingle action "${truncate(rawAction)}" is not supported; answer it with an error.`,
    );
  }
  const msg: JingleMessage = {
    action: action as JingleAction,
    sid: r.string(el, 'sid'),
    contents: [],
    groups: [],
  };
  const initiator = r.optString(el, 'initiator');
  if (initiator) msg.initiator = initiator;
  const responder = r.optString(el, 'responder');
  if (responder) msg.responder = responder;

  const contentEls = el.getChildren('content', NS.jingle);
  if (contentEls.length > MAX_CONTENTS) throw fail(`${contentEls.length} <content> elements (max ${MAX_CONTENTS})`);
  const names = new Set<string>();
  for (const c of contentEls) {
    const content = parseContent(c);
    if (names.has(content.name)) throw fail(`duplicate <content name="${truncate(content.name)}">`);
    names.add(content.name);
    msg.contents.push(content);
  }
  for (const g of el.getChildren('group', NS.grouping)) msg.groups.push(parseGroup(g));

  const bs = el.getChild('bridge-session', NS.focus);
  if (bs) {
    const id = r.optString(bs, 'id');
    if (id) msg.bridgeSessionId = id;
    const restart = r.optBool(bs, 'restart');
    if (restart !== undefined) msg.bridgeSessionRestart = restart;
    const iceRestart = r.optBool(bs, 'ice-restart');
    if (iceRestart !== undefined) msg.bridgeSessionIceRestart = iceRestart;
    const region = r.optString(bs, 'region');
    if (region) msg.bridgeSessionRegion = region;
  }
  const reason = el.getChild('reason', NS.jingle);
  if (reason) msg.reason = parseReason(reason);
  const json = el.getChild('json-message', NS.jitmeet);
  if (json) msg.jsonSources = parseJsonMessage(json.getText());
  const sm = el.getChild('startmuted', NS.startMuted);
  if (sm) msg.startMuted = { audio: r.optBool(sm, 'audio') ?? false, video: r.optBool(sm, 'video') ?? false };
  const iceState = el.getChild('ice-state', NS.focus);
  if (iceState) msg.iceState = iceState.getText().trim();
  return msg;
}

function parseContent(el: Element): JingleContent {
  const content: JingleContent = {
    name: r.string(el, 'name'),
    // source-add/-remove from jicofo carry no creator/senders: default per XEP-0166 §7.3.
    creator: r.oneOf(el, 'creator', ['initiator', 'responder'] as const, 'initiator'),
    senders: r.oneOf(el, 'senders', SENDERS, 'both'),
  };
  const desc = el.getChild('description', NS.rtp);
  if (desc) content.description = parseDescription(desc);
  const transport = el.getChild('transport', NS.iceUdp);
  if (transport) content.transport = parseTransport(transport);
  return content;
}

function parseDescription(el: Element): JingleDescription {
  const desc: JingleDescription = {
    media: r.string(el, 'media'),
    payloadTypes: [],
    rtcpFbs: [],
    headerExtensions: [],
    rtcpMux: el.getChild('rtcp-mux') !== undefined,
    extmapAllowMixed: el.getChild('extmap-allow-mixed') !== undefined,
    sources: [],
    ssrcGroups: [],
  };
  const maxptime = r.optInt(el, 'maxptime', 1, 100_000);
  if (maxptime !== undefined) desc.maxptime = maxptime;
  const pts = limit(el.getChildren('payload-type', NS.rtp), 'payload-type');
  const seenPt = new Set<number>();
  for (const p of pts) {
    const pt = parsePayloadType(p);
    if (seenPt.has(pt.id)) throw fail(`duplicate <payload-type id="${pt.id}">`);
    seenPt.add(pt.id);
    desc.payloadTypes.push(pt);
  }
  for (const fb of limit(el.getChildren('rtcp-fb', NS.rtcpFb), 'rtcp-fb')) desc.rtcpFbs.push(parseRtcpFb(fb));
  for (const h of limit(el.getChildren('rtp-hdrext', NS.rtpHdrext), 'rtp-hdrext')) {
    const ext: JingleHeaderExtension = { id: r.int(h, 'id', 1, 255), uri: r.string(h, 'uri') };
    const senders = r.optString(h, 'senders');
    if (senders !== undefined) ext.senders = r.oneOf(h, 'senders', SENDERS);
    desc.headerExtensions.push(ext);
  }
  // extmap-allow-mixed is namespaced by rtp-hdrext in LJM; accept it with any namespace.
  const seenSsrc = new Set<number>();
  for (const s of limit(el.getChildren('source', NS.ssma), 'source')) {
    const src = parseSource(s);
    if (seenSsrc.has(src.ssrc)) throw fail(`duplicate <source ssrc="${src.ssrc}">`);
    seenSsrc.add(src.ssrc);
    desc.sources.push(src);
  }
  for (const g of limit(el.getChildren('ssrc-group', NS.ssma), 'ssrc-group')) desc.ssrcGroups.push(parseSsrcGroup(g));
  return desc;
}

function parsePayloadType(el: Element): JinglePayloadType {
  const pt: JinglePayloadType = {
    id: r.int(el, 'id', 0, 127),
    name: r.optString(el, 'name') ?? '',
    parameters: [],
    rtcpFbs: [],
  };
  const clockrate = r.optInt(el, 'clockrate', 1, 10_000_000);
  if (clockrate !== undefined) pt.clockrate = clockrate;
  const channels = r.optInt(el, 'channels', 1, 255);
  if (channels !== undefined) pt.channels = channels;
  const maxptime = r.optInt(el, 'maxptime', 1, 100_000);
  if (maxptime !== undefined) pt.maxptime = maxptime;
  const ptime = r.optInt(el, 'ptime', 1, 100_000);
  if (ptime !== undefined) pt.ptime = ptime;
  for (const p of limit(el.getChildren('parameter'), 'parameter')) pt.parameters.push(parseParameter(p));
  for (const fb of limit(el.getChildren('rtcp-fb', NS.rtcpFb), 'rtcp-fb')) pt.rtcpFbs.push(parseRtcpFb(fb));
  return pt;
}

function parseParameter(el: Element): JingleParameter {
  const name = r.optString(el, 'name');
  const value = r.optString(el, 'value') ?? '';
  return name ? { name, value } : { value };
}

function parseRtcpFb(el: Element): JingleRtcpFb {
  const fb: JingleRtcpFb = { type: r.string(el, 'type') };
  const subtype = r.optString(el, 'subtype');
  if (subtype) fb.subtype = subtype;
  return fb;
}

function parseSource(el: Element): JingleSource {
  const src: JingleSource = { ssrc: r.int(el, 'ssrc', 1, U32_MAX) };
  const name = r.optString(el, 'name');
  if (name) src.name = name;
  const videoType = r.optString(el, 'videoType');
  if (videoType) src.videoType = videoType;
  const info = el.getChild('ssrc-info', NS.jitmeet);
  const owner = info ? r.optString(info, 'owner') : undefined;
  if (owner) src.owner = owner;
  for (const p of el.getChildren('parameter')) {
    const pname = r.optString(p, 'name');
    const value = r.optString(p, 'value');
    if (!value) continue;
    if (pname === 'msid') src.msid = value;
    else if (pname === 'cname') src.cname = value;
  }
  return src;
}

function parseSsrcGroup(el: Element): JingleSsrcGroup {
  const semantics = r.string(el, 'semantics');
  const ssrcs = el.getChildren('source').map((s) => r.int(s, 'ssrc', 1, U32_MAX));
  if (ssrcs.length === 0) throw fail(`<ssrc-group semantics="${truncate(semantics)}"> has no <source> children`);
  return { semantics, ssrcs };
}

function parseGroup(el: Element): JingleGroup {
  const semantics = r.string(el, 'semantics');
  const contents = el.getChildren('content').map((c) => r.string(c, 'name'));
  return { semantics, contents };
}

function parseTransport(el: Element): JingleTransport {
  const t: JingleTransport = {
    fingerprints: [],
    candidates: [],
    webSockets: [],
    rtcpMux: el.getChild('rtcp-mux') !== undefined,
  };
  const ufrag = r.optString(el, 'ufrag');
  if (ufrag) t.ufrag = ufrag;
  const pwd = r.optString(el, 'pwd');
  if (pwd) t.pwd = pwd;
  for (const f of el.getChildren('fingerprint', NS.dtls)) {
    const fp: JingleFingerprint = { hash: r.string(f, 'hash'), value: f.getText().trim() };
    if (!fp.value) throw fail('<fingerprint> has no value');
    const setup = r.optString(f, 'setup');
    if (setup !== undefined) fp.setup = r.oneOf(f, 'setup', SETUPS);
    t.fingerprints.push(fp);
  }
  for (const c of limit(el.getChildren('candidate', NS.iceUdp), 'candidate')) t.candidates.push(parseCandidate(c));
  for (const ws of el.getChildren('web-socket', NS.colibri)) {
    const url = r.optString(ws, 'url');
    // A web-socket element without a url is useless but not fatal (pick the first usable one, §11).
    if (url) t.webSockets.push(url);
  }
  return t;
}

function parseCandidate(el: Element): JingleCandidate {
  const c: JingleCandidate = {
    component: r.int(el, 'component', 1, 256),
    foundation: r.string(el, 'foundation'),
    generation: r.optInt(el, 'generation', 0, 0xffff) ?? 0,
    ip: r.string(el, 'ip'),
    port: r.int(el, 'port', 0, 65535),
    priority: r.int(el, 'priority', 0, U32_MAX),
    protocol: r.string(el, 'protocol').toLowerCase(),
    type: r.oneOf(el, 'type', CANDIDATE_TYPES),
  };
  if (/\s/.test(c.foundation) || /\s/.test(c.ip) || /\s/.test(c.protocol)) {
    throw fail('<candidate> attribute contains whitespace');
  }
  const id = r.optString(el, 'id');
  if (id) c.id = id;
  const network = r.optInt(el, 'network', 0, 0xffff);
  if (network !== undefined) c.network = network;
  const relAddr = r.optString(el, 'rel-addr');
  if (relAddr) c.relAddr = relAddr;
  const relPort = r.optInt(el, 'rel-port', 0, 65535);
  if (relPort !== undefined) c.relPort = relPort;
  const tcptype = r.optString(el, 'tcptype');
  if (tcptype) c.tcptype = tcptype;
  return c;
}

function parseReason(el: Element): JingleReason {
  const conditionEl = el.getChildElements().find((c) => c.getName() !== 'text');
  const reason: JingleReason = { condition: conditionEl ? conditionEl.getName() : 'undefined' };
  const text = el.getChildText('text');
  if (text) reason.text = text;
  return reason;
}

// --- JSON-encoded sources (jicofo `Source.kt` compact JSON, `EndpointSourceSet.kt`) -----------------------------

const ssrcSchema = z.number().int().min(1).max(U32_MAX);
const jsonSourceSchema = z.looseObject({
  s: ssrcSchema,
  n: z.string().optional(),
  m: z.string().optional(),
  v: z.string().optional(),
});
const jsonGroupSchema = z
  .tuple([z.string()], ssrcSchema)
  .refine((g) => g.length >= 2, 'a group needs at least one ssrc');
// Trailing positions may be omitted (or null) when empty; extra positions from newer jicofo are ignored.
const jsonOwnerSchema = z
  .tuple([
    z.array(jsonSourceSchema).nullish(),
    z.array(jsonGroupSchema).nullish(),
    z.array(jsonSourceSchema).nullish(),
    z.array(jsonGroupSchema).nullish(),
  ])
  .rest(z.unknown());
const jsonMessageSchema = z.looseObject({ sources: z.record(z.string(), jsonOwnerSchema).optional() });

function toJsonSource(s: z.infer<typeof jsonSourceSchema>, media: 'audio' | 'video'): JsonSource {
  const out: JsonSource = { ssrc: s.s };
  if (s.n) out.name = s.n;
  if (s.m) out.msid = s.m;
  if (media === 'video') out.videoType = s.v === 'd' ? 'desktop' : 'camera';
  return out;
}

function toGroup(g: [string, ...number[]]): JingleSsrcGroup {
  const [sem, ...ssrcs] = g;
  const semantics = sem.toLowerCase() === 'f' ? 'FID' : sem.toLowerCase() === 's' ? 'SIM' : sem;
  return { semantics, ssrcs };
}

/** Decodes the text of `<json-message xmlns="http://jitsi.org/jitmeet">` (§10); `{}` without `sources` is empty. */
export function parseJsonMessage(text: string): JsonSources {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw fail('<json-message> is not valid JSON', err);
  }
  const parsed = jsonMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(`<json-message> sources invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`);
  }
  const out: JsonSources = {};
  for (const [owner, parts] of Object.entries(parsed.data.sources ?? {})) {
    const [video, videoGroups, audio, audioGroups] = parts;
    const entry: JsonOwnerSources = {
      video: (video ?? []).map((s) => toJsonSource(s, 'video')),
      videoGroups: (videoGroups ?? []).map((g) => toGroup(g)),
      audio: (audio ?? []).map((s) => toJsonSource(s, 'audio')),
      audioGroups: (audioGroups ?? []).map((g) => toGroup(g)),
    };
    out[owner] = entry;
  }
  return out;
}

function limit<T>(items: T[], what: string): T[] {
  if (items.length > MAX_ITEMS) throw fail(`${items.length} <${what}> elements (max ${MAX_ITEMS})`);
  return items;
}
