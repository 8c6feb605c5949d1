/**
 * Test focus: a TypeScript stand-in for jicofo that logs into the testbed Prosody as `focus@auth.<domain>` and speaks
 * what jicofo speaks (docs/jitsi-protocol.md §3, §5–§10, §12, §14): the conference IQ, room creation as `focus`,
 * disco#info probes of occupants, session-initiate offers, STRICT session-accept/source-add validation
 * (jicofo `ValidatingConferenceSourceMap`: a violation → bad-request), source relaying in XML or JSON form,
 * SSRC-rewriting mode via the test bridge, single-participant timeout, restart on `bridge-session restart="true"`,
 * and moderator mute. Media parameters come from a pluggable BridgeMediaBackend.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { StanzaError, errorElement } from '../connection/stanza-error.js';
import { XmppConnection } from '../connection/xmpp-connection.js';
import { delay, TypedEmitter } from '../events.js';
import { buildJingle } from '../jingle/build-jingle.js';
import { parseJingle } from '../jingle/parse-jingle.js';
import type { JingleCandidate, JingleMessage } from '../jingle/types.js';
import { endpointSourceSetFromJingle, validateEndpointSourceSet, type EndpointSourceSet } from '../jingle/validate-sources.js';
import { silentLogger, type Logger } from '../logger.js';
import type { RemoteSource } from '../media-port.js';
import { NS } from '../xml/namespaces.js';
import { SignalingOnlyBackend, type BridgeMediaBackend } from './bridge-media-backend.js';
import { buildOffer, FEATURE, jsonSourcesFor, xmlSourcesFor, type OwnedSources } from './offer-builder.js';
import type { TestBridge } from './test-bridge.js';

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';

export interface TestFocusOptions {
  websocketUrl: string;
  /** hosts.domain, e.g. meet.stagecast.test */
  domain: string;
  focusDomain?: string;
  focusPassword: string;
  muc?: string;
  lobbyMuc?: string;
  bridge: TestBridge;
  media?: BridgeMediaBackend;
  minParticipants?: number;
  singleParticipantTimeoutMs?: number;
  /** jicofo `initial-timeout`: leave a created room nobody joined. */
  initialTimeoutMs?: number;
  discoTimeoutMs?: number;
  /** Use SSRC rewriting for participants advertising `ssrc-rewriting-1` (jicofo default for browsers since 2024-02). */
  ssrcRewriting?: boolean;
  /** Secure domain: only users of this XMPP domain may create rooms; others get not-authorized until then. */
  authenticatedDomain?: string;
  /** Minimum spacing of restart requests (jicofo: ≥ 5 s apart, ≤ 5/min). */
  restartMinIntervalMs?: number;
  /** Make the first participant an owner (jicofo auto-owner). */
  autoOwner?: boolean;
  /**
   * Claim the rooms whose name starts with this prefix (lower case). Several test processes can share one testbed
   * Prosody: the testbed's focus proxy sends a conference request to the focus claiming the room, else to the newest
   * focus without a claim (test/prosody/plugins/mod_stagecast_client_proxy.lua). Tests should always set it.
   */
  roomPrefix?: string;
  logger?: Logger;
}

/** Per-room deviations from jicofo's defaults, to exercise the client's handling of older or unusual deployments. */
export interface RoomBehaviour {
  /** Offer without `<web-socket>` (JVB with colibri WebSockets disabled, jbg/gst-meet#109). */
  omitWebSockets?: boolean;
  /** Always signal remote sources in the XML form, as jicofo did before json-encoded-sources (2021-08). */
  forceXmlSources?: boolean;
}

export interface FocusParticipant {
  nick: string;
  occupantJid: string;
  realJid?: string;
  features: Set<string>;
  featuresKnown: boolean;
  presence: Element;
  session?: {
    sid: string;
    bridgeSessionId: string;
    active: boolean;
    json: boolean;
    rewriting: boolean;
    /** The bridge's ICE credentials of this session (for transport-info with late bridge candidates). */
    ice?: { ufrag: string; pwd: string };
    /** session-initiate acknowledged: late bridge candidates can follow as transport-info. */
    initiated?: boolean;
    /** Late bridge candidates that arrived before the session-initiate was acknowledged. */
    pendingCandidates?: JingleCandidate[];
  };
  sources: EndpointSourceSet;
  restartTimes: number[];
  mutedByFocus: Set<string>;
}

interface Conference {
  roomJid: string;
  id: string;
  participants: Map<string, FocusParticipant>;
  singleTimer?: NodeJS.Timeout;
  initialTimer?: NodeJS.Timeout;
  jvbSsrcs: { audio: number; video: number };
  password?: string;
}

export type TestFocusEvents = {
  conferenceRequested: [room: string, requester: string];
  participantJoined: [room: string, nick: string];
  participantLeft: [room: string, nick: string];
  sessionInitiated: [room: string, nick: string, offer: JingleMessage];
  sessionAccepted: [room: string, nick: string, sources: EndpointSourceSet];
  sourcesAdded: [room: string, nick: string, sources: EndpointSourceSet];
  sourcesRemoved: [room: string, nick: string, ssrcs: number[]];
  /** A Jingle request from a participant was refused (bad-request), as jicofo would. */
  jingleRejected: [room: string, nick: string, action: string, reason: string];
  sessionTerminated: [room: string, nick: string, reason: string, restart: boolean];
  transportInfoReceived: [room: string, nick: string, candidates: number];
  /** Late bridge candidates were sent to a participant as transport-info. */
  transportInfoSent: [room: string, nick: string, candidates: number];
  /** A source-add/-remove was sent to `to` (form = how the sources were encoded). */
  sourcesRelayed: [room: string, to: string, action: 'source-add' | 'source-remove', form: 'xml' | 'json'];
  selfUnmuted: [room: string, nick: string, media: string];
};

/** The testbed client proxy (mod_stagecast_client_proxy) hex-encodes the requester's full JID as `c<hex>`. */
function decodeProxyNode(node: string): string {
  const m = /^c((?:[0-9a-f]{2})+)$/.exec(node);
  return m?.[1] ? Buffer.from(m[1], 'hex').toString('utf8') : node;
}

const u32 = () => randomInt(1, 0xffffffff);

export class TestFocus extends TypedEmitter<TestFocusEvents> {
  readonly #o: Required<Omit<TestFocusOptions, 'authenticatedDomain' | 'logger' | 'media' | 'roomPrefix'>> & Pick<TestFocusOptions, 'authenticatedDomain'>;
  readonly #log: Logger;
  readonly #media: BridgeMediaBackend;
  readonly #conn: XmppConnection;
  readonly #conferences = new Map<string, Conference>();
  /** Owners whose sources went into each offer (by sid), to catch up at session-accept. */
  readonly #offeredOwners = new Map<string, Set<string>>();
  readonly #behaviour = new Map<string, RoomBehaviour>();
  #closed: Promise<void> | undefined;
  readonly #offCandidates: (() => void) | undefined;

  private constructor(options: TestFocusOptions) {
    const log = (options.logger ?? silentLogger).child({ module: 'test-focus' });
    super(log);
    this.#log = log;
    this.#media = options.media ?? new SignalingOnlyBackend();
    this.#o = {
      websocketUrl: options.websocketUrl,
      domain: options.domain,
      focusDomain: options.focusDomain ?? `auth.${options.domain}`,
      focusPassword: options.focusPassword,
      muc: options.muc ?? `conference.${options.domain}`,
      lobbyMuc: options.lobbyMuc ?? `lobby.${options.domain}`,
      bridge: options.bridge,
      minParticipants: options.minParticipants ?? 2,
      singleParticipantTimeoutMs: options.singleParticipantTimeoutMs ?? 20_000,
      initialTimeoutMs: options.initialTimeoutMs ?? 15_000,
      discoTimeoutMs: options.discoTimeoutMs ?? 15_000,
      ssrcRewriting: options.ssrcRewriting ?? true,
      authenticatedDomain: options.authenticatedDomain,
      restartMinIntervalMs: options.restartMinIntervalMs ?? 5_000,
      autoOwner: options.autoOwner ?? true,
    };
    this.#conn = new XmppConnection({
      serviceUrl: options.websocketUrl,
      domain: this.#o.focusDomain,
      auth: { kind: 'password', username: 'focus', password: options.focusPassword },
      ...(options.roomPrefix
        ? { resource: `rooms-${Buffer.from(options.roomPrefix.toLowerCase()).toString('hex')}-${randomBytes(4).toString('hex')}` }
        : {}),
      logger: log,
    });
    this.#conn.handleIq('set', NS.focus, 'conference', (stanza, payload) => this.#onConferenceIq(stanza, payload));
    this.#conn.handleIq('set', NS.jingle, 'jingle', (stanza) => this.#onJingle(stanza));
    for (const media of ['audio', 'video', 'desktop']) {
      this.#conn.handleIq('set', `http://jitsi.org/jitmeet/${media}`, 'mute', (stanza, payload) => this.#onMuteIq(stanza, payload, media));
    }
    this.#conn.on('stanzaReceived', (s) => this.#onStanza(s));
    this.#offCandidates = this.#media.onLocalCandidates?.((p) => void this.#onBridgeCandidates(p));
  }

  /** Late bridge candidates → transport-info to the endpoint (after its session-initiate was acknowledged). */
  async #onBridgeCandidates(p: { conferenceId: string; endpointId: string; candidates: JingleCandidate[] }): Promise<void> {
    const conf = [...this.#conferences.values()].find((c) => c.id === p.conferenceId);
    const s = conf?.participants.get(p.endpointId)?.session;
    if (!conf || !s || p.candidates.length === 0) return;
    if (!s.initiated) {
      (s.pendingCandidates ??= []).push(...p.candidates);
      return;
    }
    await this.#sendCandidates(conf, p.endpointId, s, p.candidates);
  }

  async #sendCandidates(conf: Conference, nick: string, s: NonNullable<FocusParticipant['session']>, candidates: JingleCandidate[]): Promise<void> {
    const p = conf.participants.get(nick);
    if (!p || p.session !== s || !s.ice || candidates.length === 0) return;
    // XEP-0176 §2 / jitsi-protocol.md §9: the bridge's candidates for the bundled transport, on the first content.
    const msg: JingleMessage = {
      action: 'transport-info',
      sid: s.sid,
      initiator: this.#conn.jid,
      groups: [],
      contents: [
        {
          name: 'audio',
          creator: 'initiator',
          senders: 'both',
          transport: { ufrag: s.ice.ufrag, pwd: s.ice.pwd, fingerprints: [], candidates, webSockets: [], rtcpMux: true },
        },
      ],
    };
    try {
      await this.#conn.request(xml('iq', { type: 'set', to: p.occupantJid }, buildJingle(msg)), 15_000);
      this.safeEmit('transportInfoSent', conf.roomJid, nick, candidates.length);
    } catch (err) {
      this.#log.warn({ err, nick }, 'transport-info with bridge candidates not acknowledged');
    }
  }

  static async start(options: TestFocusOptions): Promise<TestFocus> {
    const f = new TestFocus(options);
    await f.#conn.connect();
    return f;
  }

  get jid(): string {
    return this.#conn.jid;
  }

  get focusBareJid(): string {
    return `focus@${this.#o.focusDomain}`;
  }

  roomJid(room: string): string {
    return `${room.toLowerCase()}@${this.#o.muc}`;
  }

  /** Secure-domain mode on/off at run time: only users of this domain may create rooms (undefined = anyone). */
  setAuthenticatedDomain(domain: string | undefined): void {
    this.#o.authenticatedDomain = domain;
  }

  /** Sets how this focus treats a room (applies to offers and source relays sent after the call). */
  setRoomBehaviour(room: string, behaviour: RoomBehaviour): void {
    this.#behaviour.set(this.roomJid(room), { ...behaviour });
  }

  participants(room: string): FocusParticipant[] {
    return [...(this.#conferences.get(this.roomJid(room))?.participants.values() ?? [])];
  }

  conferenceId(room: string): string | undefined {
    return this.#conferences.get(this.roomJid(room))?.id;
  }

  // --- conference IQ (§3; jicofo ConferenceIqHandler.kt) ---------------------------------------------------------

  async #onConferenceIq(stanza: Element, payload: Element): Promise<Element | true> {
    const roomJid = payload.attrs.room;
    if (!roomJid) return errorElement('modify', 'bad-request');
    const requester = decodeProxyNode((stanza.attrs.from ?? '').split('@')[0] ?? '');
    this.safeEmit('conferenceRequested', roomJid, requester);
    const requesterDomain = requester.split('@')[1]?.split('/')[0];
    let conf = this.#conferences.get(roomJid);
    if (!conf) {
      if (this.#o.authenticatedDomain && requesterDomain !== this.#o.authenticatedDomain) {
        return errorElement('cancel', 'not-authorized');
      }
      conf = await this.#createConference(roomJid);
    }
    return xml('conference', { xmlns: NS.focus, ready: 'true', room: roomJid, focusjid: this.focusBareJid },
      xml('property', { name: 'authentication', value: this.#o.authenticatedDomain ? 'true' : 'false' }));
  }

  async #createConference(roomJid: string): Promise<Conference> {
    const conf: Conference = {
      roomJid,
      id: randomBytes(8).toString('hex'),
      participants: new Map(),
      jvbSsrcs: { audio: u32(), video: u32() },
    };
    this.#conferences.set(roomJid, conf);
    try {
      await this.#joinRoom(roomJid);
    } catch (err) {
      this.#conferences.delete(roomJid);
      throw err;
    }
    conf.initialTimer = setTimeout(() => {
      if (conf.participants.size === 0) void this.#endConference(conf);
    }, this.#o.initialTimeoutMs);
    return conf;
  }

  async #joinRoom(roomJid: string): Promise<void> {
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`focus could not join ${roomJid}`));
      }, 5000);
      const off = this.#conn.on('stanzaReceived', (s) => {
        if (s.name !== 'presence' || s.attrs.from !== `${roomJid}/focus`) return;
        clearTimeout(timer);
        off();
        if (s.attrs.type === 'error') reject(StanzaError.fromStanza(s));
        else resolve();
      });
    });
    await this.#conn.send(xml('presence', { to: `${roomJid}/focus` }, xml('x', { xmlns: NS_MUC })));
    await joined;
  }

  async #endConference(conf: Conference): Promise<void> {
    clearTimeout(conf.singleTimer);
    clearTimeout(conf.initialTimer);
    this.#conferences.delete(conf.roomJid);
    for (const p of conf.participants.values()) this.#o.bridge.release(conf.id, p.nick);
    await this.#conn.send(xml('presence', { to: `${conf.roomJid}/focus`, type: 'unavailable' })).catch(() => {});
  }

  // --- MUC presence ------------------------------------------------------------------------------------------------

  #onStanza(s: Element): void {
    if (s.name !== 'presence') return;
    const from = s.attrs.from ?? '';
    const slash = from.indexOf('/');
    if (slash < 0) return;
    const conf = this.#conferences.get(from.slice(0, slash));
    const nick = from.slice(slash + 1);
    if (!conf || nick === 'focus') return;
    if (s.attrs.type === 'unavailable') {
      void this.#onLeave(conf, nick).catch((err: unknown) => this.#log.error({ err }, 'leave handling failed'));
      return;
    }
    if (s.attrs.type === 'error') return;
    const existing = conf.participants.get(nick);
    if (existing) {
      existing.presence = s;
      return;
    }
    const item = s.getChild('x', NS_MUC_USER)?.getChild('item');
    const p: FocusParticipant = {
      nick,
      occupantJid: from,
      features: new Set(),
      featuresKnown: false,
      presence: s,
      sources: { sources: [], groups: [] },
      restartTimes: [],
      mutedByFocus: new Set(),
    };
    if (item?.attrs.jid) p.realJid = item.attrs.jid;
    conf.participants.set(nick, p);
    clearTimeout(conf.initialTimer);
    clearTimeout(conf.singleTimer);
    this.safeEmit('participantJoined', conf.roomJid, nick);
    void this.#onJoin(conf, p).catch((err: unknown) => this.#log.error({ err }, 'join handling failed'));
  }

  async #onJoin(conf: Conference, p: FocusParticipant): Promise<void> {
    if (this.#o.autoOwner && conf.participants.size === 1 && p.realJid) {
      await this.#conn
        .request(xml('iq', { type: 'set', to: conf.roomJid }, xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { jid: p.realJid.split('/')[0], affiliation: 'owner' }))))
        .catch((err: unknown) => this.#log.warn({ err }, 'auto-owner failed'));
    }
    // §5: disco#info at node#ver; the offer is built from the answer.
    const caps = p.presence.getChild('c', NS.caps);
    const node = caps?.attrs.node && caps.attrs.ver ? `${caps.attrs.node}#${caps.attrs.ver}` : undefined;
    try {
      const res = await this.#conn.request(
        xml('iq', { type: 'get', to: p.occupantJid }, xml('query', { xmlns: NS.discoInfo, node })),
        this.#o.discoTimeoutMs,
      );
      const q = res.getChild('query', NS.discoInfo);
      for (const f of q?.getChildren('feature') ?? []) if (f.attrs.var) p.features.add(f.attrs.var);
      if (node && q?.attrs.node !== node) this.#log.warn({ nick: p.nick }, 'disco#info reply did not echo the node');
    } catch (err) {
      // jicofo falls back to default features (audio, video, …) when disco fails.
      this.#log.warn({ err, nick: p.nick }, 'disco#info failed; using defaults');
      for (const f of [FEATURE.audio, FEATURE.video, FEATURE.rtx, FEATURE.tcc]) p.features.add(f);
    }
    p.featuresKnown = true;
    await this.#maybeInvite(conf);
  }

  async #maybeInvite(conf: Conference): Promise<void> {
    const ready = [...conf.participants.values()].filter((x) => x.featuresKnown);
    if (ready.length < this.#o.minParticipants) return;
    // Each participant on its own: one whose bridge allocation fails or stalls must not keep the others waiting
    // (CI once saw a participant sit 90 s without a session-initiate behind another's invite).
    await Promise.all(ready.filter((p) => !p.session).map((p) => this.#inviteWithRetry(conf, p, 1)));
  }

  /** Like jicofo re-trying an allocation: a failed invite is retried (1 s, 2 s, 4 s …, 5 attempts), then given up. */
  async #inviteWithRetry(conf: Conference, p: FocusParticipant, attempt: number): Promise<void> {
    try {
      await this.#invite(conf, p);
    } catch (err) {
      const gone = this.#closed !== undefined || this.#conferences.get(conf.roomJid) !== conf || conf.participants.get(p.nick) !== p;
      if (gone) return;
      if (attempt >= 5) {
        this.#log.error({ err, nick: p.nick, attempt }, 'invite failed; giving up');
        return;
      }
      const delay = 1000 * 2 ** (attempt - 1);
      this.#log.warn({ err, nick: p.nick, attempt, retryInMs: delay }, 'invite failed; retrying');
      await new Promise((r) => setTimeout(r, delay));
      if (this.#closed !== undefined || conf.participants.get(p.nick) !== p || p.session) return;
      await this.#inviteWithRetry(conf, p, attempt + 1);
    }
  }

  async #invite(conf: Conference, p: FocusParticipant): Promise<void> {
    const sid = randomBytes(6).toString('hex');
    const bridgeSessionId = randomBytes(8).toString('hex');
    const rewriting = this.#o.ssrcRewriting && p.features.has(FEATURE.rewriting);
    const behaviour = this.#behaviour.get(conf.roomJid) ?? {};
    const json = p.features.has(FEATURE.json) && !behaviour.forceXmlSources;
    p.session = { sid, bridgeSessionId, active: false, json, rewriting };
    let transport: Awaited<ReturnType<BridgeMediaBackend['allocateEndpoint']>>;
    try {
      transport = await this.#media.allocateEndpoint({ conferenceId: conf.id, endpointId: p.nick });
    } catch (err) {
      if (p.session?.sid === sid) p.session = undefined; // not invited: a retry may try again
      throw err;
    }
    if (p.session?.sid === sid) p.session.ice = { ufrag: transport.ufrag, pwd: transport.pwd };
    const allocated = this.#o.bridge.allocate(conf.id, p.nick, { rewriting });
    const webSockets = behaviour.omitWebSockets ? [] : allocated;
    const features = new Set(p.features);
    if (!json) features.delete(FEATURE.json);
    const offer = buildOffer({
      sid,
      initiator: this.#conn.jid,
      features,
      transport,
      webSockets,
      bridgeSessionId,
      jvbSsrcs: conf.jvbSsrcs,
      others: this.#othersSources(conf, p),
      rewriting,
    });
    this.#offeredOwners.set(sid, new Set(this.#othersSources(conf, p).map((o) => o.owner)));
    this.safeEmit('sessionInitiated', conf.roomJid, p.nick, offer);
    try {
      await this.#conn.request(xml('iq', { type: 'set', to: p.occupantJid }, buildJingle(offer)), 15_000);
      const s = p.session;
      if (s?.sid === sid) {
        s.initiated = true;
        const late = s.pendingCandidates?.splice(0) ?? [];
        if (late.length) await this.#sendCandidates(conf, p.nick, s, late);
      }
    } catch (err) {
      this.#log.warn({ err, nick: p.nick }, 'session-initiate not acknowledged');
      if (p.session?.sid === sid) p.session = undefined;
    }
  }

  #othersSources(conf: Conference, p: FocusParticipant): OwnedSources[] {
    return [...conf.participants.values()]
      .filter((o) => o !== p && o.session?.active && o.sources.sources.length > 0)
      .map((o) => ({ owner: o.nick, set: o.sources }));
  }

  async #onLeave(conf: Conference, nick: string): Promise<void> {
    const p = conf.participants.get(nick);
    if (!p) return;
    conf.participants.delete(nick);
    this.#o.bridge.release(conf.id, nick);
    await this.#media.releaseEndpoint({ conferenceId: conf.id, endpointId: nick });
    this.safeEmit('participantLeft', conf.roomJid, nick);
    if (p.sources.sources.length > 0) await this.#relay(conf, p, 'source-remove', p.sources);
    if (conf.participants.size === 0) {
      await this.#endConference(conf);
      return;
    }
    const withSession = [...conf.participants.values()].filter((x) => x.session);
    if (conf.participants.size === 1 && withSession.length === 1) {
      clearTimeout(conf.singleTimer);
      conf.singleTimer = setTimeout(() => {
        const last = withSession[0];
        if (!last?.session || conf.participants.size !== 1) return;
        void this.#terminate(conf, last, 'expired', 'Idle session timeout');
      }, this.#o.singleParticipantTimeoutMs);
    }
  }

  async #terminate(conf: Conference, p: FocusParticipant, condition: string, text: string): Promise<void> {
    const s = p.session;
    if (!s) return;
    p.session = undefined;
    p.sources = { sources: [], groups: [] };
    this.#o.bridge.release(conf.id, p.nick);
    await this.#media.releaseEndpoint({ conferenceId: conf.id, endpointId: p.nick });
    const msg: JingleMessage = { action: 'session-terminate', sid: s.sid, initiator: this.#conn.jid, contents: [], groups: [], reason: { condition, text } };
    await this.#conn.request(xml('iq', { type: 'set', to: p.occupantJid }, buildJingle(msg))).catch(() => {});
  }

  // --- Jingle from participants ----------------------------------------------------------------------------------

  #participantFor(from: string): { conf: Conference; p: FocusParticipant } | undefined {
    const slash = from.indexOf('/');
    const conf = this.#conferences.get(from.slice(0, slash));
    const p = conf?.participants.get(from.slice(slash + 1));
    return conf && p ? { conf, p } : undefined;
  }

  #reject(conf: Conference, p: FocusParticipant, action: string, reason: string): Element {
    this.safeEmit('jingleRejected', conf.roomJid, p.nick, action, reason);
    return xml('error', { type: 'modify' }, xml('bad-request', { xmlns: NS.stanzas }), xml('text', { xmlns: NS.stanzas }, reason));
  }

  async #onJingle(stanza: Element): Promise<Element | true> {
    const found = this.#participantFor(stanza.attrs.from ?? '');
    if (!found) return errorElement('cancel', 'item-not-found');
    const { conf, p } = found;
    let msg: JingleMessage;
    try {
      msg = parseJingle(stanza.getChild('jingle', NS.jingle) as Element);
    } catch (err) {
      return this.#reject(conf, p, 'unknown', err instanceof Error ? err.message : String(err));
    }
    if (!p.session || p.session.sid !== msg.sid) {
      return xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: NS.stanzas }), xml('unknown-session', { xmlns: NS.jingleErrors }));
    }
    switch (msg.action) {
      case 'session-accept':
        return this.#onAccept(conf, p, msg);
      case 'source-add':
        return this.#onSourceAdd(conf, p, msg);
      case 'source-remove':
        return this.#onSourceRemove(conf, p, msg);
      case 'transport-info': {
        const candidates = msg.contents.flatMap((c) => c.transport?.candidates ?? []);
        await this.#media.addRemoteCandidates({ conferenceId: conf.id, endpointId: p.nick, candidates });
        this.safeEmit('transportInfoReceived', conf.roomJid, p.nick, candidates.length);
        return true;
      }
      case 'session-terminate':
        return this.#onParticipantTerminate(conf, p, msg);
      default:
        return this.#reject(conf, p, msg.action, `unsupported action ${msg.action}`);
    }
  }

  /** jicofo ValidatingConferenceSourceMap + the stricter rules of §9; returns a reason or undefined. */
  #validate(conf: Conference, p: FocusParticipant, set: EndpointSourceSet): string | undefined {
    try {
      validateEndpointSourceSet(set);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    const taken = new Set<number>();
    for (const o of conf.participants.values()) if (o !== p) for (const s of o.sources.sources) taken.add(s.ssrc);
    taken.add(conf.jvbSsrcs.audio).add(conf.jvbSsrcs.video);
    for (const s of set.sources) {
      if (!s.msid) return `source ${s.ssrc} has no msid`;
      if (!s.name?.startsWith(`${p.nick}-`)) return `source name ${s.name ?? '(none)'} is not prefixed with the endpoint id ${p.nick}`;
      if (taken.has(s.ssrc)) return `ssrc ${s.ssrc} is already used in the conference`;
    }
    return undefined;
  }

  async #onAccept(conf: Conference, p: FocusParticipant, msg: JingleMessage): Promise<Element | true> {
    const s = p.session;
    if (!s || s.active) return this.#reject(conf, p, 'session-accept', 'session already accepted');
    const set = endpointSourceSetFromJingle(msg);
    const problem = this.#validate(conf, p, set);
    if (problem) return this.#reject(conf, p, 'session-accept', problem);
    const t = msg.contents.find((c) => c.transport?.ufrag)?.transport;
    if (!t?.ufrag || !t.pwd || t.fingerprints.length === 0) {
      return this.#reject(conf, p, 'session-accept', 'transport without ufrag/pwd/fingerprint');
    }
    s.active = true;
    p.sources = set;
    await this.#media.setRemoteTransport({ conferenceId: conf.id, endpointId: p.nick, transport: { ufrag: t.ufrag, pwd: t.pwd, fingerprints: t.fingerprints, candidates: t.candidates }, accept: msg });
    await this.#publishSources(conf, p);
    this.safeEmit('sessionAccepted', conf.roomJid, p.nick, set);
    setImmediate(() => void this.#relay(conf, p, 'source-add', set).catch((err: unknown) => this.#log.error({ err }, 'relay failed')));
    // Participants accepted while this session was pending were neither in its offer nor relayed to it (relays go to
    // active sessions only); jicofo queues those source-adds until session-accept — send them now.
    const offered = this.#offeredOwners.get(s.sid) ?? new Set<string>();
    this.#offeredOwners.delete(s.sid);
    for (const o of conf.participants.values()) {
      if (o === p || offered.has(o.nick) || !o.session?.active || o.sources.sources.length === 0) continue;
      setImmediate(() => void this.#relay(conf, o, 'source-add', o.sources, p).catch((err: unknown) => this.#log.error({ err }, 'relay failed')));
    }
    return true;
  }

  async #onSourceAdd(conf: Conference, p: FocusParticipant, msg: JingleMessage): Promise<Element | true> {
    const added = endpointSourceSetFromJingle(msg);
    const combined: EndpointSourceSet = { sources: [...p.sources.sources, ...added.sources], groups: [...p.sources.groups, ...added.groups] };
    const problem = this.#validate(conf, p, combined);
    if (problem) return this.#reject(conf, p, 'source-add', problem);
    p.sources = combined;
    await this.#publishSources(conf, p);
    this.safeEmit('sourcesAdded', conf.roomJid, p.nick, added);
    setImmediate(() => void this.#relay(conf, p, 'source-add', added).catch((err: unknown) => this.#log.error({ err }, 'relay failed')));
    return true;
  }

  async #onSourceRemove(conf: Conference, p: FocusParticipant, msg: JingleMessage): Promise<Element | true> {
    const removed = endpointSourceSetFromJingle(msg);
    const ssrcs = new Set(removed.sources.map((s) => s.ssrc));
    const unknown = [...ssrcs].filter((x) => !p.sources.sources.some((s) => s.ssrc === x));
    if (unknown.length > 0) return this.#reject(conf, p, 'source-remove', `source ${unknown.join(',')} does not exist`);
    const gone: EndpointSourceSet = {
      sources: p.sources.sources.filter((s) => ssrcs.has(s.ssrc)),
      groups: p.sources.groups.filter((g) => g.ssrcs.some((x) => ssrcs.has(x))),
    };
    p.sources = {
      sources: p.sources.sources.filter((s) => !ssrcs.has(s.ssrc)),
      groups: p.sources.groups.filter((g) => !g.ssrcs.some((x) => ssrcs.has(x))),
    };
    await this.#publishSources(conf, p);
    this.safeEmit('sourcesRemoved', conf.roomJid, p.nick, [...ssrcs]);
    setImmediate(() => void this.#relay(conf, p, 'source-remove', gone).catch((err: unknown) => this.#log.error({ err }, 'relay failed')));
    return true;
  }

  async #onParticipantTerminate(conf: Conference, p: FocusParticipant, msg: JingleMessage): Promise<Element | true> {
    const restart = msg.bridgeSessionRestart === true;
    this.safeEmit('sessionTerminated', conf.roomJid, p.nick, msg.reason?.condition ?? 'none', restart);
    if (restart) {
      if (msg.bridgeSessionId !== p.session?.bridgeSessionId) {
        return this.#reject(conf, p, 'session-terminate', 'bridge-session id does not match');
      }
      const now = Date.now();
      p.restartTimes = p.restartTimes.filter((t) => now - t < 60_000);
      const last = p.restartTimes[p.restartTimes.length - 1];
      if (p.restartTimes.length >= 5 || (last !== undefined && now - last < this.#o.restartMinIntervalMs)) {
        return xml('error', { type: 'wait' }, xml('resource-constraint', { xmlns: NS.stanzas }));
      }
      p.restartTimes.push(now);
    }
    const gone = p.sources;
    p.session = undefined;
    p.sources = { sources: [], groups: [] };
    this.#o.bridge.release(conf.id, p.nick);
    await this.#media.releaseEndpoint({ conferenceId: conf.id, endpointId: p.nick });
    setImmediate(() => {
      void (async () => {
        if (gone.sources.length > 0) await this.#relay(conf, p, 'source-remove', gone);
        if (restart && conf.participants.get(p.nick) === p) await this.#invite(conf, p);
      })().catch((err: unknown) => this.#log.error({ err }, 'terminate follow-up failed'));
    });
    return true;
  }

  async #publishSources(conf: Conference, p: FocusParticipant): Promise<void> {
    const remote: RemoteSource[] = [];
    for (const s of p.sources.sources) {
      const fid = p.sources.groups.find((g) => g.semantics === 'FID' && g.ssrcs[1] === s.ssrc);
      if (fid) continue; // RTX member
      const rtx = p.sources.groups.find((g) => g.semantics === 'FID' && g.ssrcs[0] === s.ssrc)?.ssrcs[1];
      const r: RemoteSource = { ssrc: s.ssrc, media: s.media, owner: p.nick, name: s.name ?? `${p.nick}-${s.media[0]}0` };
      if (rtx !== undefined) r.rtxSsrc = rtx;
      if (s.msid) r.msid = s.msid;
      if (s.media === 'video') r.videoType = s.videoType === 'desktop' ? 'desktop' : 'camera';
      remote.push(r);
    }
    this.#o.bridge.setEndpointSources(conf.id, p.nick, remote);
    await this.#media.setEndpointSources({ conferenceId: conf.id, endpointId: p.nick, sources: remote });
  }

  /** source-add / source-remove to every other active participant, in the form it asked for (§10). */
  async #relay(conf: Conference, from: FocusParticipant, action: 'source-add' | 'source-remove', set: EndpointSourceSet, only?: FocusParticipant): Promise<void> {
    if (set.sources.length === 0) return;
    const owned: OwnedSources[] = [{ owner: from.nick, set }];
    for (const o of conf.participants.values()) {
      if (o === from || !o.session?.active || o.session.rewriting || (only && o !== only)) continue;
      const msg: JingleMessage = { action, sid: o.session.sid, initiator: this.#conn.jid, contents: [], groups: [] };
      if (o.session.json) {
        msg.jsonSources = jsonSourcesFor(owned);
      } else {
        for (const media of ['audio', 'video'] as const) {
          const x = xmlSourcesFor(media, owned);
          if (x.sources.length === 0) continue;
          msg.contents.push({
            name: media,
            creator: 'initiator',
            senders: 'both',
            description: { media, payloadTypes: [], rtcpFbs: [], headerExtensions: [], rtcpMux: false, extmapAllowMixed: false, sources: x.sources, ssrcGroups: x.groups },
          });
        }
      }
      const acked = await this.#conn.request(xml('iq', { type: 'set', to: o.occupantJid }, buildJingle(msg))).then(
        () => true,
        (err: unknown) => {
          this.#log.warn({ err, to: o.nick, action }, 'participant did not acknowledge source change');
          return false;
        },
      );
      if (acked) this.safeEmit('sourcesRelayed', conf.roomJid, o.nick, action, o.session.json ? 'json' : 'xml');
    }
  }

  // --- mute (§12) ------------------------------------------------------------------------------------------------

  #onMuteIq(stanza: Element, payload: Element, media: string): Element | true {
    const found = this.#participantFor(stanza.attrs.from ?? '');
    if (!found) return errorElement('cancel', 'item-not-found');
    const target = payload.attrs.jid;
    const mute = payload.getText().trim() === 'true';
    if (target !== found.p.occupantJid) return errorElement('auth', 'forbidden'); // only self-unmute in the testbed
    if (!mute) {
      found.p.mutedByFocus.delete(media);
      this.safeEmit('selfUnmuted', found.conf.roomJid, found.p.nick, media);
    }
    return true;
  }

  /** Moderator force-mute of one participant (`<mute xmlns="http://jitsi.org/jitmeet/<media>">true</mute>`). */
  async muteParticipant(room: string, nick: string, media: 'audio' | 'video' | 'desktop'): Promise<void> {
    const conf = this.#conferences.get(this.roomJid(room));
    const p = conf?.participants.get(nick);
    if (!conf || !p) throw new Error(`no participant ${nick} in ${room}`);
    p.mutedByFocus.add(media);
    await this.#conn.request(xml('iq', { type: 'set', to: p.occupantJid }, xml('mute', { xmlns: `http://jitsi.org/jitmeet/${media}`, actor: `${conf.roomJid}/focus` }, 'true')));
  }

  /**
   * Moves a participant to another bridge as jicofo does on bridge failure or rebalancing (§6, §14):
   * session-terminate `success` "moving", then a new session-initiate (new sid, new bridge WebSocket URL).
   */
  async moveParticipant(room: string, nick: string): Promise<void> {
    const conf = this.#conferences.get(this.roomJid(room));
    const p = conf?.participants.get(nick);
    if (!conf || !p?.session) throw new Error(`no participant ${nick} with a session in ${room}`);
    const gone = p.sources;
    await this.#terminate(conf, p, 'success', 'moving');
    if (gone.sources.length > 0) await this.#relay(conf, p, 'source-remove', gone);
    if (conf.participants.get(nick) === p) await this.#invite(conf, p);
  }

  // --- room configuration: password, lobby (as a moderator would) ---------------------------------------------------

  async configureRoom(room: string, fields: { password?: string; membersOnly?: boolean; waitForHost?: boolean }): Promise<void> {
    const roomJid = this.roomJid(room);
    const form = xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
      xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/muc#roomconfig')),
      fields.password !== undefined ? xml('field', { var: 'muc#roomconfig_roomsecret' }, xml('value', {}, fields.password)) : null,
      fields.password !== undefined ? xml('field', { var: 'muc#roomconfig_passwordprotectedroom' }, xml('value', {}, fields.password ? '1' : '0')) : null,
      fields.membersOnly !== undefined ? xml('field', { var: 'muc#roomconfig_membersonly' }, xml('value', {}, fields.membersOnly ? '1' : '0')) : null,
      // testbed equivalent of jitsi mod_muc_wait_for_host (test/prosody/plugins/mod_stagecast_muc.lua)
      fields.waitForHost !== undefined ? xml('field', { var: 'stagecast#wait_for_host' }, xml('value', {}, fields.waitForHost ? '1' : '0')) : null,
    );
    await this.#conn.request(xml('iq', { type: 'set', to: roomJid }, xml('query', { xmlns: NS_MUC_OWNER }, form)));
  }

  /** Makes sure the room exists (as after a first conference request). */
  async ensureRoom(room: string): Promise<void> {
    if (!this.#conferences.has(this.roomJid(room))) await this.#createConference(this.roomJid(room));
  }

  async #lobbyOccupant(room: string, nick: string, timeoutMs: number): Promise<{ lobbyJid: string; realJid: string }> {
    const lobbyJid = `${room.toLowerCase()}@${this.#o.lobbyMuc}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const presence = new Promise<Element | undefined>((resolve) => {
        const timer = setTimeout(() => {
          off();
          resolve(undefined);
        }, 1000);
        const off = this.#conn.on('stanzaReceived', (s) => {
          if (s.name === 'presence' && s.attrs.from === `${lobbyJid}/${nick}` && s.attrs.type !== 'unavailable') {
            clearTimeout(timer);
            off();
            resolve(s);
          }
        });
      });
      // (Re)join the lobby as focus: Prosody sends the current occupants' presences on join.
      await this.#conn.send(xml('presence', { to: `${lobbyJid}/focus` }, xml('x', { xmlns: NS_MUC })));
      const p = await presence;
      const realJid = p?.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.jid;
      if (realJid) return { lobbyJid, realJid };
      if (Date.now() > deadline) throw new Error(`${nick} did not appear in the lobby of ${room}`);
      await this.#conn.send(xml('presence', { to: `${lobbyJid}/focus`, type: 'unavailable' }));
      await delay(200);
    }
  }

  /** Admits a knocking participant: mediated invite from the main room (Prosody grants membership, XEP-0045 §7.8.2). */
  async approveLobby(room: string, nick: string, timeoutMs = 10_000): Promise<void> {
    const { realJid } = await this.#lobbyOccupant(room, nick, timeoutMs);
    await this.#conn.send(xml('message', { to: this.roomJid(room) }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: realJid }))));
  }

  /** Denies a knocking participant: kicked from the lobby room (status 307). */
  async denyLobby(room: string, nick: string, timeoutMs = 10_000): Promise<void> {
    const { lobbyJid } = await this.#lobbyOccupant(room, nick, timeoutMs);
    await this.#conn.request(xml('iq', { type: 'set', to: lobbyJid }, xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { nick, role: 'none' }, xml('reason', {}, 'Denied by moderator')))));
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#offCandidates?.();
      for (const conf of [...this.#conferences.values()]) await this.#endConference(conf);
      await this.#media.close();
      await this.#conn.close();
      this.removeAllListeners();
    })();
    return this.#closed;
  }
}
