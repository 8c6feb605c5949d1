/**
 * `createParticipant()`: a headless Jitsi Meet participant (docs/jitsi-protocol.md §18 checklist) composed of
 * discovery → XMPP connection → conference request → MUC join (lobby/password) → Jingle session (through MediaPort)
 * → Colibri bridge channel. Typed events out (past tense), idempotent cascading close().
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { discoInfoQuery, participantDiscoInfo, type DiscoInfo } from './caps/caps.js';
import { BridgeChannel } from './colibri/bridge-channel.js';
import type { BridgeMessage, ReceiverVideoConstraints } from './colibri/messages.js';
import { discoverIceServers } from './connection/extdisco.js';
import { errorElement } from './connection/stanza-error.js';
import type { ReconnectPolicy } from './connection/reconnect-policy.js';
import { XmppConnection, type XmppAuth } from './connection/xmpp-connection.js';
import { discoverDeployment, serviceUrl, type Deployment, type DeploymentOverrides } from './discovery/discovery.js';
import { BridgeChannelError, ConferenceError, ConnectionError, InvalidStateError, type JitsiError, JingleError } from './errors.js';
import { delay, TypedEmitter, waitForEvent } from './events.js';
import { requestConference } from './focus/conference-request.js';
import { JingleSessionManager } from './jingle-session/jingle-session.js';
import { silentLogger, type Logger } from './logger.js';
import type { IceServer, LocalSourceRequest, MediaKind, MediaPort, RemoteSource } from './media-port.js';
import { MucRoom, type Occupant } from './muc/muc-room.js';
import { presenceExtensionElement, withoutPresenceExtension, withPresenceExtension, type PresenceExtension, type PresenceModel } from './muc/presence.js';
import { NS } from './xml/namespaces.js';

export interface ParticipantOptions {
  /** `https://host[/tenant]/room`; or `room` + overrides + skipConfigJs. */
  meetingUrl?: string;
  room?: string;
  overrides?: DeploymentOverrides;
  skipConfigJs?: boolean;
  auth?: XmppAuth;
  roomPassword?: string;
  displayName?: string;
  avatarUrl?: string;
  email?: string;
  statsId?: string;
  /** `<bot type="poltergeist"/>`: browsers do not start P2P with us (§13). Default true. */
  bot?: boolean;
  media: MediaPort;
  /**
   * What we publish: audio `<ep>-a0` and camera `<ep>-v0` (default on), and a screen share `<ep>-v1` with videoType
   * desktop (default off; the media side must send it, e.g. @stagecast/media `send.desktop`).
   */
  send?: { audio?: boolean; video?: boolean; desktop?: boolean };
  machineUid?: string;
  /** Our endpoint id = MUC nickname (8 lowercase hex); random when absent. */
  endpointId?: string;
  lobby?: { knock?: boolean; timeoutMs?: number };
  receiveVideo?: Omit<ReceiverVideoConstraints, 'colibriClass'>;
  h264?: boolean;
  /**
   * Advertise `http://jitsi.org/ssrc-rewriting-1` (§10 mode B): remote sources then come as bridge
   * AudioSourcesMap/VideoSourcesMap onto a fixed SSRC slot pool. Default false (mode A, source-add/-remove).
   */
  ssrcRewriting?: boolean;
  /** Advertise `http://jitsi.org/json-encoded-sources` (default true); false = remote sources in the XML form. */
  jsonSources?: boolean;
  /** Query STUN/TURN via extdisco after login and pass them to MediaPort.openSession (default true). */
  discoverIceServers?: boolean;
  useHttpConferenceRequest?: boolean;
  timeouts?: { connectMs?: number; focusMs?: number; joinMs?: number };
  reconnectPolicy?: ReconnectPolicy;
  pingIntervalMs?: number;
  restartMinIntervalMs?: number;
  ca?: string | Buffer;
  logger?: Logger;
}

export type ParticipantState = 'connecting' | 'waiting-for-host' | 'in-lobby' | 'joined' | 'reconnecting' | 'closed';

export type ParticipantEvents = {
  stateChanged: [prev: ParticipantState, next: ParticipantState];
  occupantJoined: [Occupant];
  occupantUpdated: [Occupant];
  occupantLeft: [Occupant];
  /** Our role or affiliation in the room changed (e.g. the focus made us owner → role `moderator`). */
  roleChanged: [role: string | undefined, affiliation: string | undefined];
  sessionStarted: [sid: string];
  sessionEnded: [sid: string, reason: { condition: string; text?: string }];
  remoteSourcesChanged: [RemoteSource[]];
  bridgeChannelOpened: [url: string];
  bridgeMessageReceived: [BridgeMessage];
  dominantSpeakerChanged: [endpointId: string];
  messageReceived: [{ nick: string; body: string }];
  subjectChanged: [subject: string];
  mutedByModerator: [media: 'audio' | 'video' | 'desktop', actor?: string];
  reconnected: [];
  restartRequested: [why: string];
  /** A browser offered P2P; we declined it (§13). */
  p2pDeclined: [from: string];
  /** Non-fatal problems (no bridge channel, a failed re-offer, …). */
  errorOccurred: [JitsiError];
  closed: [];
};

export function newEndpointId(): string {
  return randomBytes(4).toString('hex');
}

function localSourcesFor(ep: string, send: { audio?: boolean; video?: boolean; desktop?: boolean }): LocalSourceRequest[] {
  const used = new Set<number>();
  const ssrc = (): number => {
    let s: number;
    do s = randomInt(1, 0xffffffff);
    while (used.has(s));
    used.add(s);
    return s;
  };
  const out: LocalSourceRequest[] = [];
  if (send.audio !== false) out.push({ name: `${ep}-a0`, media: 'audio', ssrc: ssrc(), msid: `${ep}-audio-0-1 ${randomUUID()}-1` });
  if (send.video !== false) out.push({ name: `${ep}-v0`, media: 'video', ssrc: ssrc(), msid: `${ep}-video-0-1 ${randomUUID()}-1`, videoType: 'camera' });
  // Screen share: LJM's second video track, source name <ep>-v1, videoType desktop (jitsi-protocol.md §4, §9).
  if (send.desktop === true) out.push({ name: `${ep}-v1`, media: 'video', ssrc: ssrc(), msid: `${ep}-video-1-1 ${randomUUID()}-1`, videoType: 'desktop' });
  return out;
}

export class JitsiParticipant extends TypedEmitter<ParticipantEvents> {
  readonly endpointId: string;
  readonly deployment: Deployment;
  readonly connection: XmppConnection;
  readonly jingle: JingleSessionManager;
  #muc: MucRoom | undefined;
  #bridge: BridgeChannel | undefined;
  #state: ParticipantState = 'connecting';
  readonly #presence: PresenceModel;
  readonly #local: LocalSourceRequest[];
  readonly #muted = new Set<MediaKind>();
  readonly #forceMuted = new Set<string>();
  readonly #log: Logger;
  #focusJid: string | undefined;
  #constraints: Omit<ReceiverVideoConstraints, 'colibriClass'>;
  #closing: Promise<void> | undefined;
  readonly #machineUid: string;
  readonly #discoInfo: DiscoInfo;
  #joinStarted = false;
  #iceServers: IceServer[] = [];

  private constructor(
    private readonly o: ParticipantOptions,
    deployment: Deployment,
    log: Logger,
  ) {
    super(log);
    this.#log = log;
    this.deployment = deployment;
    this.endpointId = o.endpointId ?? newEndpointId();
    this.#machineUid = o.machineUid ?? randomBytes(16).toString('hex');
    this.#local = localSourcesFor(this.endpointId, o.send ?? {});
    this.#constraints = o.receiveVideo ?? { lastN: -1, defaultConstraints: { maxHeight: 720 } };
    const sourceInfo: PresenceModel['sourceInfo'] = {};
    for (const s of this.#local) sourceInfo[s.name] = s.videoType === 'desktop' ? { muted: false, videoType: 'desktop' } : { muted: false };
    this.#discoInfo = participantDiscoInfo({
      ...(o.ssrcRewriting !== undefined ? { ssrcRewriting: o.ssrcRewriting } : {}),
      ...(o.jsonSources !== undefined ? { jsonSources: o.jsonSources } : {}),
    });
    this.#presence = {
      discoInfo: this.#discoInfo,
      sourceInfo,
      // §4: codecs we decode; both are always decodable by the engine, whichever we send.
      codecList: ['vp8', 'h264'],
      statsId: o.statsId ?? `stagecast-${this.endpointId.slice(0, 4)}`,
      bot: o.bot ?? true,
    };
    if (o.displayName) this.#presence.nick = o.displayName;
    if (o.avatarUrl) this.#presence.avatarUrl = o.avatarUrl;
    if (o.email) this.#presence.email = o.email;

    const auth = o.auth ?? { kind: 'anonymous' };
    // Secure domain: guests log in anonymously on hosts.anonymousdomain (LJM), authenticated users on hosts.domain.
    const domain = auth.kind === 'anonymous' && deployment.anonymousDomain ? deployment.anonymousDomain : deployment.domain;
    this.connection = new XmppConnection({
      serviceUrl: serviceUrl(deployment.websocketUrl, { room: deployment.room, ...(auth.kind === 'jwt' ? { token: auth.token } : {}) }),
      domain,
      auth,
      logger: log,
      ...(o.ca ? { ca: o.ca } : {}),
      ...(o.timeouts?.connectMs ? { connectTimeoutMs: o.timeouts.connectMs } : {}),
      ...(o.reconnectPolicy ? { reconnectPolicy: o.reconnectPolicy } : {}),
      ...(o.pingIntervalMs ? { pingIntervalMs: o.pingIntervalMs } : {}),
    });
    this.jingle = new JingleSessionManager({
      connection: this.connection,
      media: o.media,
      endpointId: this.endpointId,
      localSources: this.#local,
      isFocus: (from) => this.#isFocus(from),
      h264: o.h264 ?? false,
      ...(o.restartMinIntervalMs !== undefined ? { restartMinIntervalMs: o.restartMinIntervalMs } : {}),
      logger: log,
    });
    this.#wire();
  }

  /** Discovery only (config.js, overrides): returns a participant that has not connected yet; call join(). */
  static async prepare(options: ParticipantOptions): Promise<JitsiParticipant> {
    const log = (options.logger ?? silentLogger).child({ module: 'participant' });
    const deployment = await discoverDeployment({
      ...(options.meetingUrl ? { meetingUrl: options.meetingUrl } : {}),
      ...(options.room ? { room: options.room } : {}),
      ...(options.overrides ? { overrides: options.overrides } : {}),
      ...(options.skipConfigJs ? { skipConfigJs: true } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
    });
    return new JitsiParticipant(options, deployment, log);
  }

  static async create(options: ParticipantOptions): Promise<JitsiParticipant> {
    const p = await JitsiParticipant.prepare(options);
    await p.join();
    return p;
  }

  /**
   * Connects, discovers STUN/TURN, requests the conference and joins the room (lobby, password, waiting for the
   * host); resolves once joined. Subscribe to `stateChanged` first to see `waiting-for-host` / `in-lobby`.
   * On failure the participant is closed and the typed error rethrown. Call once.
   */
  async join(): Promise<void> {
    if (this.#joinStarted) throw new InvalidStateError('join() was already called; create a new participant to join again.');
    this.#joinStarted = true;
    try {
      await this.connection.connect();
      if (this.o.discoverIceServers !== false) {
        this.#iceServers = await discoverIceServers(this.connection, this.connection.domain, { logger: this.#log });
        this.jingle.setIceServers(this.#iceServers);
      }
      await this.#joinConference();
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  get state(): ParticipantState {
    return this.#state;
  }

  get roomJid(): string {
    return `${this.deployment.room}@${this.deployment.muc}`;
  }

  get occupants(): Occupant[] {
    return [...(this.#muc?.occupants.values() ?? [])];
  }

  get localSources(): LocalSourceRequest[] {
    return this.#local.map((s) => ({ ...s }));
  }

  /** STUN/TURN servers learned through extdisco (empty when the deployment offers none). */
  get iceServers(): IceServer[] {
    return this.#iceServers.map((x) => ({ ...x }));
  }

  /** Our own occupant as the room last described it (role, affiliation). */
  get self(): Occupant | undefined {
    return this.#muc?.self;
  }

  get bridgeChannel(): BridgeChannel | undefined {
    return this.#bridge;
  }

  #setState(next: ParticipantState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.safeEmit('stateChanged', prev, next);
  }

  #isFocus(from: string): boolean {
    if (from === `${this.roomJid}/focus`) return true;
    const nick = from.startsWith(`${this.roomJid}/`) ? from.slice(this.roomJid.length + 1) : undefined;
    const occ = nick ? this.#muc?.occupants.get(nick) : undefined;
    return !!(occ?.realJid && this.#focusJid && occ.realJid.startsWith(`${this.#focusJid}/`));
  }

  #wire(): void {
    const c = this.connection;
    c.handleIq('get', NS.discoInfo, 'query', (_s, payload) => discoInfoQuery(payload.attrs.node, this.#discoInfo));
    c.handleIq('set', NS.jingle, 'jingle', (s, payload) => this.jingle.handleIq(s, payload));
    for (const media of ['audio', 'video', 'desktop'] as const) {
      c.handleIq('set', `http://jitsi.org/jitmeet/${media}`, 'mute', (s, payload) => this.#onForceMute(s, payload, media));
    }
    c.on('stanzaReceived', (s) => this.#muc?.handleStanza(s));
    c.on('disconnected', () => this.#setState('reconnecting'));
    c.on('connected', (_jid, isReconnect) => {
      if (!isReconnect || this.#state === 'closed') return;
      void this.#joinConference(true)
        .then(() => this.safeEmit('reconnected'))
        .catch((err: unknown) => this.safeEmit('errorOccurred', err as JitsiError));
    });
    c.on('failed', (err) => {
      this.safeEmit('errorOccurred', err);
      void this.close();
    });
    this.jingle.on('sessionAccepted', (sid, urls) => {
      this.safeEmit('sessionStarted', sid);
      void this.#openBridge(urls);
    });
    this.jingle.on('sessionTerminated', (sid, reason) => {
      this.#bridge?.close();
      this.#bridge = undefined;
      this.safeEmit('sessionEnded', sid, reason);
    });
    this.jingle.on('remoteSourcesChanged', (sources) => this.safeEmit('remoteSourcesChanged', sources));
    this.jingle.on('sessionFailed', (err) => this.safeEmit('errorOccurred', err));
    this.jingle.on('restartRequested', (_sid, why) => this.safeEmit('restartRequested', why));
    this.jingle.on('p2pDeclined', (from) => this.safeEmit('p2pDeclined', from));
  }

  async #joinConference(rejoin = false): Promise<void> {
    this.#setState('connecting');
    const d = this.deployment;
    const token = this.o.auth?.kind === 'jwt' ? this.o.auth.token : undefined;
    let billingId: string | undefined;
    const request = async (): Promise<void> => {
      const grant = await requestConference({
        connection: this.connection,
        focus: d.focus,
        roomJid: this.roomJid,
        machineUid: this.#machineUid,
        ...(token ? { token } : {}),
        ...(this.o.useHttpConferenceRequest && d.conferenceRequestUrl ? { httpUrl: d.conferenceRequestUrl } : {}),
        timeoutMs: this.o.timeouts?.focusMs ?? 60_000,
        logger: this.#log,
        onWaiting: (why) => this.#setState(why === 'waiting-for-host' ? 'waiting-for-host' : 'connecting'),
      });
      this.#focusJid = grant.focusJid ?? d.focusUserJid?.split('/')[0];
      if (grant.viaHttp) billingId = this.#machineUid;
    };
    await request();
    const deadline = Date.now() + (this.o.timeouts?.focusMs ?? 60_000);
    let hostWaits = 0;
    for (let attempt = 0; ; attempt++) {
      const muc = this.#newMuc(this.roomJid);
      try {
        await muc.join(this.#presence, {
          ...(this.o.roomPassword ? { password: this.o.roomPassword } : {}),
          ...(billingId ? { billingId } : {}),
          timeoutMs: this.o.timeouts?.joinMs ?? 15_000,
        });
        break;
      } catch (err) {
        if (!(err instanceof ConferenceError)) throw err;
        const lobbyRoom = (err as ConferenceError & { lobbyRoom?: string }).lobbyRoom;
        if (err.reason === 'focus-unavailable' && attempt < 3) {
          // "Room creation is restricted": jicofo not in the room yet → conference request again (§4).
          await delay(500 + Math.random() * 2500);
          await request();
          continue;
        }
        if (err.reason === 'room-locked' && lobbyRoom && this.o.lobby?.knock) {
          await this.#knock(lobbyRoom);
          continue;
        }
        if (err.reason === 'waiting-for-host') {
          // §15 `<waiting-for-host/>`: no moderator yet; retry with 1 s·2ⁿ (≤ 30 s) until the focus deadline.
          const wait = Math.min(30_000, 1000 * 2 ** hostWaits++);
          if (Date.now() + wait > deadline) throw err;
          this.#setState('waiting-for-host');
          await delay(wait);
          await request();
          continue;
        }
        if (err.reason === 'nickname-conflict' && rejoin && Date.now() + 1000 < deadline) {
          // After a transport loss our previous occupant can linger until the server notices the dead socket.
          await delay(1000);
          continue;
        }
        throw err;
      }
    }
    this.#setState('joined');
  }

  #newMuc(roomJid: string): MucRoom {
    this.#muc?.removeAllListeners();
    const muc = new MucRoom(this.connection, roomJid, this.endpointId, this.#log, (realJid, nick) =>
      nick === 'focus' || (!!realJid && !!this.#focusJid && realJid.startsWith(`${this.#focusJid}/`)),
    );
    muc.on('occupantJoined', (o) => this.safeEmit('occupantJoined', o));
    muc.on('occupantUpdated', (o) => this.safeEmit('occupantUpdated', o));
    muc.on('occupantLeft', (o) => {
      this.jingle.removeOwner(o.nick);
      this.safeEmit('occupantLeft', o);
    });
    muc.on('messageReceived', (m) => this.safeEmit('messageReceived', { nick: m.nick, body: m.body }));
    muc.on('subjectChanged', (s) => this.safeEmit('subjectChanged', s));
    muc.on('joined', (self) => this.safeEmit('roleChanged', self.role, self.affiliation));
    muc.on('selfUpdated', (self, prev) => {
      if (self.role !== prev.role || self.affiliation !== prev.affiliation) this.safeEmit('roleChanged', self.role, self.affiliation);
    });
    muc.on('removed', (reason, text) => {
      if (this.#state === 'closed' || this.#state === 'in-lobby') return;
      this.safeEmit('errorOccurred', new ConferenceError(reason === 'kicked' ? 'kicked' : 'room-destroyed', `We were removed from the room (${reason}${text ? `: ${text}` : ''}); rejoin if this was unexpected.`));
    });
    this.#muc = muc;
    return muc;
  }

  /** §15 lobby: join the lobby MUC, wait for an invite (admitted), a kick (denied) or the timeout. */
  async #knock(lobbyJid: string): Promise<void> {
    this.#setState('in-lobby');
    const lobby = new MucRoom(this.connection, lobbyJid, this.endpointId, this.#log);
    const offStanza = this.connection.on('stanzaReceived', (s) => lobby.handleStanza(s));
    const invite = new Promise<void>((resolve) => {
      const off = this.connection.on('stanzaReceived', (s) => {
        const x = s.name === 'message' ? s.getChild('x', 'http://jabber.org/protocol/muc#user') : undefined;
        if (x?.getChild('invite') && s.attrs.from?.split('/')[0] === this.roomJid) {
          off();
          resolve();
        }
      });
      lobby.once('removed', () => off());
    });
    const timeoutMs = this.o.lobby?.timeoutMs ?? 300_000;
    try {
      const lobbyModel: PresenceModel = { ...this.#presence };
      await lobby.join(lobbyModel, { timeoutMs: this.o.timeouts?.joinMs ?? 15_000 });
      const outcome = await Promise.race([
        invite.then(() => 'admitted' as const),
        waitForEvent(lobby, 'removed', { timeoutMs }).then(([reason]) => reason),
      ]).catch(() => 'timeout' as const);
      if (outcome === 'kicked') throw new ConferenceError('lobby-denied', 'A moderator denied entry from the lobby; ask the organiser to admit this participant.');
      if (outcome === 'timeout') throw new ConferenceError('lobby-timeout', `Nobody admitted us from the lobby within ${timeoutMs} ms; ask a moderator to admit the participant or disable the lobby.`);
      // admitted, or the lobby was destroyed (lobby disabled): leave the lobby and join the main room.
      await lobby.leave(2000);
    } finally {
      offStanza();
      lobby.removeAllListeners();
    }
    this.#setState('connecting');
  }

  async #openBridge(urls: string[]): Promise<void> {
    this.#bridge?.close();
    this.#bridge = undefined;
    let current: BridgeChannel | undefined;
    try {
      const attach = (ch: BridgeChannel): void => {
        // Visible at once: mute changes made while it connects are covered by the open messages (§11).
        current = ch;
        this.#bridge = ch;
        ch.on('opened', (url) => this.safeEmit('bridgeChannelOpened', url));
        ch.on('messageReceived', (m) => {
          if (m.colibriClass === 'VideoSourcesMap') this.jingle.applyBridgeSourceMaps('video', m.mappedSources);
          else if (m.colibriClass === 'AudioSourcesMap') this.jingle.applyBridgeSourceMaps('audio', m.mappedSources);
          else if (m.colibriClass === 'DominantSpeakerEndpointChangeEvent') this.safeEmit('dominantSpeakerChanged', m.dominantSpeakerEndpoint);
          this.safeEmit('bridgeMessageReceived', m);
        });
        ch.on('malformedMessageReceived', (err) => this.safeEmit('errorOccurred', err));
      };
      const ch = await BridgeChannel.open(
        {
          urls,
          origin: this.deployment.origin,
          constraints: () => this.#constraints,
          videoSources: () =>
            this.#local.filter((s) => s.media === 'video').map((s) => ({ sourceName: s.name, videoType: this.#muted.has('video') ? 'none' : (s.videoType ?? 'camera') })),
          ...(this.o.ca ? { ca: this.o.ca } : {}),
          logger: this.#log,
        },
        attach,
      );
      if (this.#state === 'closed' || this.#bridge !== ch) {
        ch.close();
        return;
      }
    } catch (err) {
      const superseded = current !== undefined && (current.state === 'closed' || this.#bridge !== current);
      if (current && this.#bridge === current) this.#bridge = undefined;
      current?.close();
      if (superseded || this.#state === 'closed') return; // closed on purpose (session ended, newer channel, leave)
      this.safeEmit('errorOccurred', err instanceof BridgeChannelError ? err : new BridgeChannelError('no-bridge', String(err)));
    }
  }

  #onForceMute(_s: Element, payload: Element, media: 'audio' | 'video' | 'desktop'): Element | true {
    const mute = payload.getText().trim() === 'true';
    if (!mute) return true; // unmute by a moderator is a request only in LJM; we stay muted until told locally
    this.#forceMuted.add(media);
    const kind: MediaKind = media === 'audio' ? 'audio' : 'video';
    void this.#applyMute(kind, true).catch(() => {});
    this.safeEmit('mutedByModerator', media, payload.attrs.actor);
    return true;
  }

  async #applyMute(kind: MediaKind, muted: boolean): Promise<void> {
    if (muted) this.#muted.add(kind);
    else this.#muted.delete(kind);
    for (const s of this.#local.filter((x) => x.media === kind)) {
      const info = this.#presence.sourceInfo[s.name];
      if (info) info.muted = muted;
      if (kind === 'video') this.#bridge?.send({ colibriClass: 'SourceVideoTypeMessage', sourceName: s.name, videoType: muted ? 'none' : (s.videoType ?? 'camera') });
    }
    await this.#muc?.updatePresence(this.#presence);
  }

  /** Self mute/unmute (§12): SourceInfo in presence; after a force-mute the focus must be asked to unblock us. */
  async setMuted(kind: MediaKind, muted: boolean): Promise<void> {
    const ns = kind === 'audio' ? 'audio' : 'video';
    if (!muted && this.#forceMuted.has(ns)) {
      await this.connection.request(
        xml('iq', { type: 'set', to: `${this.roomJid}/focus` }, xml('mute', { xmlns: `http://jitsi.org/jitmeet/${ns}`, jid: `${this.roomJid}/${this.endpointId}` }, 'false')),
      );
      this.#forceMuted.delete(ns);
    }
    await this.#applyMute(kind, muted);
  }

  isMuted(kind: MediaKind): boolean {
    return this.#muted.has(kind);
  }

  async setDisplayName(name: string): Promise<void> {
    this.#presence.nick = name;
    await this.#muc?.updatePresence(this.#presence);
  }

  async setAvatarUrl(url: string): Promise<void> {
    this.#presence.avatarUrl = url;
    await this.#muc?.updatePresence(this.#presence);
  }

  /**
   * Adds (or replaces, by name + namespace) a custom child of our presence, re-sent with every presence from now on
   * (LJM `ChatRoom.ts` `addOrReplaceInPresence`; other clients ignore it). Before the join it goes into the join
   * presence. Throws PresenceExtensionError for a reserved namespace, a bad name or an oversized element.
   */
  async setPresenceExtension(ext: PresenceExtension | Element): Promise<void> {
    this.#presence.extensions = withPresenceExtension(this.#presence.extensions, presenceExtensionElement(ext));
    await this.#muc?.updatePresence(this.#presence);
  }

  /** Removes a custom presence child set with setPresenceExtension (no-op when absent). */
  async clearPresenceExtension(name: string, xmlns: string): Promise<void> {
    const before = this.#presence.extensions?.length ?? 0;
    this.#presence.extensions = withoutPresenceExtension(this.#presence.extensions, name, xmlns);
    if (this.#presence.extensions.length !== before) await this.#muc?.updatePresence(this.#presence);
  }

  async sendMessage(body: string): Promise<void> {
    await this.#muc?.sendMessage(body);
  }

  /** Room subject (XEP-0045 §8.1); only moderators may change it, so we check our role first. */
  async setSubject(subject: string): Promise<void> {
    const role = this.#muc?.self?.role;
    if (role !== 'moderator') {
      throw new ConferenceError('not-moderator', `Only a moderator can change the room subject (our role is ${role ?? 'none'}); join as the first participant or with host credentials.`);
    }
    await this.#muc?.setSubject(subject);
  }

  setReceiverConstraints(c: Omit<ReceiverVideoConstraints, 'colibriClass'>): void {
    this.#constraints = { ...this.#constraints, ...c };
    this.#bridge?.send({ colibriClass: 'ReceiverVideoConstraints', ...c });
  }

  sendEndpointMessage(to: string, payload: Record<string, unknown>): boolean {
    return this.#bridge?.send({ colibriClass: 'EndpointMessage', to, msgPayload: payload }) ?? false;
  }

  /**
   * Leaves the meeting cleanly (§16): media session closed, bridge channel closed, unavailable presence (with an
   * optional `<status>` text) confirmed by the room (≤ 5 s), XMPP stream closed. Same as close(); idempotent.
   */
  leave(status?: string): Promise<void> {
    return this.#shutdown(status);
  }

  /** Leaves (§16) and releases everything. Idempotent; safe in any state. */
  close(): Promise<void> {
    return this.#shutdown();
  }

  #shutdown(status?: string): Promise<void> {
    this.#closing ??= (async () => {
      this.#setState('closed');
      await this.jingle.close().catch(() => {});
      this.#bridge?.close();
      this.#bridge = undefined;
      if (this.#muc?.isJoined) await this.#muc.leave(5000, status).catch(() => false);
      await this.connection.close();
      this.safeEmit('closed');
      this.removeAllListeners();
    })();
    return this.#closing;
  }
}

/** Connects, requests the conference, joins the room; resolves once joined (the Jingle session follows). */
export function createParticipant(options: ParticipantOptions): Promise<JitsiParticipant> {
  return JitsiParticipant.create(options);
}

/** Discovery only; returns an unconnected participant so listeners can be attached before `join()`. */
export function prepareParticipant(options: ParticipantOptions): Promise<JitsiParticipant> {
  return JitsiParticipant.prepare(options);
}

export { ConnectionError, ConferenceError, JingleError, BridgeChannelError, errorElement };
