/**
 * The Jingle session with focus (docs/jitsi-protocol.md §6–§10, §13, §14): ACK-first handling of every Jingle IQ,
 * session-initiate only from focus (P2P offers declined), unknown sid → item-not-found + unknown-session,
 * offer → MediaPort → session-accept, trickle via transport-info, source-add/-remove (XML/JSON) and SSRC-rewriting
 * maps → re-offer, session-terminate → teardown and wait for the next initiate, and restart requests
 * (`bridge-session restart="true"`) on engine loss or ICE failure, rate-limited like jicofo expects (≥ 5 s, ≤ 5/min).
 * Translation Jingle ⇄ SDP is done by ../jingle/*; this file only sequences it.
 */
import { xml, type Element } from '@xmpp/xml';
import type { XmppConnection } from '../connection/xmpp-connection.js';
import type { AudioSourceMapping, VideoSourceMapping } from '../colibri/messages.js';
import { JingleError } from '../errors.js';
import { TypedEmitter } from '../events.js';
import { buildJingle, declineP2p, jingleErrorElement, restartRequest } from '../jingle/build-jingle.js';
import { jingleToSdp, remoteCandidates } from '../jingle/jingle-to-sdp.js';
import { parseJingle } from '../jingle/parse-jingle.js';
import { candidateFromSdp, sdpToSessionAccept, transportInfo } from '../jingle/sdp-to-jingle.js';
import { SourceMap, type SourceMapDiff } from '../jingle/source-map.js';
import type { JingleMessage } from '../jingle/types.js';
import type { Logger } from '../logger.js';
import type { IceServer, LocalSourceDescription, LocalSourceRequest, MediaPort, MediaPortEvent, RemoteSource } from '../media-port.js';

export type JingleSessionState = 'idle' | 'negotiating' | 'active' | 'ended';

export type JingleSessionEvents = {
  stateChanged: [prev: JingleSessionState, next: JingleSessionState];
  /** session-accept acknowledged by focus; `webSockets` are the bridge-channel URLs of this offer. */
  sessionAccepted: [sid: string, webSockets: string[]];
  sessionTerminated: [sid: string, reason: { condition: string; text?: string }];
  remoteSourcesChanged: [sources: RemoteSource[], diff: SourceMapDiff];
  restartRequested: [sid: string, why: string];
  p2pDeclined: [from: string];
  /** Something failed inside session handling (the session may continue). */
  sessionFailed: [error: JingleError];
};

/** What the Jingle session needs of the XMPP connection (a fake in unit tests). */
export type JingleConnection = Pick<XmppConnection, 'jid' | 'request'>;

export interface JingleSessionOptions {
  connection: JingleConnection;
  media: MediaPort;
  endpointId: string;
  localSources: LocalSourceRequest[];
  iceServers?: IceServer[];
  /** Is this full JID the focus occupant (`room@muc/focus`, or the focusjid occupant)? */
  isFocus: (from: string) => boolean;
  h264?: boolean;
  restartMinIntervalMs?: number;
  logger: Logger;
}

interface Session {
  sid: string;
  offer: JingleMessage;
  peer: string;
  map: SourceMap;
  mids: string[];
  version: number;
  accepted: boolean;
  local: LocalSourceDescription[];
  pendingCandidates: string[];
  ufrag?: string;
  pwd?: string;
}

export class JingleSessionManager extends TypedEmitter<JingleSessionEvents> {
  #state: JingleSessionState = 'idle';
  #session: Session | undefined;
  #queue: Promise<void> = Promise.resolve();
  #restarts: number[] = [];
  readonly #unsubscribe: () => void;
  readonly #log: Logger;
  #closed = false;
  #iceServers: IceServer[];

  constructor(private readonly o: JingleSessionOptions) {
    super(o.logger);
    this.#log = o.logger.child({ module: 'jingle' });
    this.#iceServers = o.iceServers ?? [];
    this.#unsubscribe = o.media.subscribe((e) => this.#onMediaEvent(e));
  }

  get state(): JingleSessionState {
    return this.#state;
  }

  /** STUN/TURN servers from extdisco (§2); used for sessions opened after the call. */
  setIceServers(servers: IceServer[]): void {
    this.#iceServers = servers.map((x) => ({ ...x }));
  }

  get sid(): string | undefined {
    return this.#session?.sid;
  }

  get remoteSources(): RemoteSource[] {
    return this.#session?.map.sources() ?? [];
  }

  get localSources(): LocalSourceDescription[] {
    return this.#session?.local ?? [];
  }

  #setState(next: JingleSessionState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.safeEmit('stateChanged', prev, next);
  }

  /** Serialises slow work after the ACK; errors are isolated and reported, never thrown into the IQ router. */
  #enqueue(what: string, work: () => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        await work();
      } catch (err) {
        const e = err instanceof JingleError ? err : new JingleError('media-failed', `${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        this.#log.error({ err: e.message }, `${what} failed`);
        this.safeEmit('sessionFailed', e);
      }
    });
  }

  /** IQ handler for `<jingle xmlns="urn:xmpp:jingle:1">`: validates synchronously, ACKs, then works. */
  handleIq(stanza: Element, payload: Element): Element | true {
    const from = stanza.attrs.from ?? '';
    let msg: JingleMessage;
    try {
      msg = parseJingle(payload);
    } catch (err) {
      return jingleErrorElement('bad-request', err instanceof Error ? err.message.slice(0, 200) : 'malformed');
    }
    if (msg.action === 'session-initiate') {
      if (!this.o.isFocus(from)) {
        // §13: P2P offer from a browser → ACK, then decline.
        setImmediate(() => {
          void this.o.connection
            .request(xml('iq', { type: 'set', to: from }, buildJingle(declineP2p(msg))))
            .catch(() => {});
          this.safeEmit('p2pDeclined', from);
        });
        return true;
      }
      this.#enqueue('session-initiate', () => this.#onInitiate(from, msg));
      return true;
    }
    const s = this.#session;
    if (!s || s.sid !== msg.sid) return jingleErrorElement('unknown-session');
    switch (msg.action) {
      case 'source-add':
        this.#enqueue('source-add', () => this.#applyDiff(s, s.map.applySourceAdd(msg)));
        return true;
      case 'source-remove':
        this.#enqueue('source-remove', () => this.#applyDiff(s, s.map.applySourceRemove(msg)));
        return true;
      case 'transport-info':
        this.#enqueue('transport-info', async () => {
          for (const c of remoteCandidates(msg, s.mids)) await this.o.media.addRemoteCandidate({ sid: s.sid, ...c });
        });
        return true;
      case 'session-terminate':
        this.#enqueue('session-terminate', () => this.#teardown(s, msg.reason ?? { condition: 'unknown' }));
        return true;
      case 'transport-replace':
      case 'session-info':
      default:
        // LJM ignores transport-replace; session-info carries nothing we act on. Always ACK (§19 gst-meet gaps).
        return true;
    }
  }

  async #onInitiate(from: string, offer: JingleMessage): Promise<void> {
    if (this.#session) await this.#teardown(this.#session, { condition: 'success', text: 'replaced by a new session-initiate' });
    const map = new SourceMap({ ownEndpointId: this.o.endpointId });
    map.applyOffer(offer);
    const s: Session = { sid: offer.sid, offer, peer: from, map, mids: [], version: 1, accepted: false, local: [], pendingCandidates: [] };
    this.#session = s;
    this.#setState('negotiating');
    await this.o.media.openSession({ sid: s.sid, localSources: this.o.localSources, iceServers: this.#iceServers });
    const sdp = jingleToSdp(offer, { sources: map.toSourceSet(), sessionVersion: s.version, h264: this.o.h264 ?? false });
    s.mids = sdp.mids;
    const answer = await this.o.media.applyRemoteOffer({ sid: s.sid, sdp: sdp.sdp, remoteSources: sdp.remoteSources });
    s.local = answer.localSources;
    const accept = sdpToSessionAccept({ offer, answerSdp: answer.sdp, localSources: answer.localSources, responder: this.o.connection.jid });
    const t = accept.contents.find((c) => c.transport?.ufrag)?.transport;
    if (t?.ufrag) s.ufrag = t.ufrag;
    if (t?.pwd) s.pwd = t.pwd;
    if (this.#session !== s) return;
    try {
      await this.o.connection.request(xml('iq', { type: 'set', to: from }, buildJingle(accept)), 15_000);
    } catch (err) {
      throw new JingleError('media-failed', `focus rejected our session-accept (${err instanceof Error ? err.message : String(err)}); this is a Stagecast bug, report it with the logs.`, { cause: err });
    }
    s.accepted = true;
    this.#setState('active');
    const ws = offer.contents.flatMap((c) => c.transport?.webSockets ?? []);
    this.safeEmit('sessionAccepted', s.sid, [...new Set(ws)]);
    this.safeEmit('remoteSourcesChanged', map.sources(), { added: map.sources(), removed: [], remapped: [], needsReoffer: false });
    await this.#flushCandidates(s);
  }

  async #applyDiff(s: Session, diff: SourceMapDiff): Promise<void> {
    if (this.#session !== s) return;
    if (diff.needsReoffer) {
      s.version++;
      const sdp = jingleToSdp(s.offer, { sources: s.map.toSourceSet(), sessionVersion: s.version, h264: this.o.h264 ?? false });
      await this.o.media.applyRemoteOffer({ sid: s.sid, sdp: sdp.sdp, remoteSources: sdp.remoteSources });
    }
    if (diff.added.length || diff.removed.length || diff.remapped.length) this.safeEmit('remoteSourcesChanged', s.map.sources(), diff);
  }

  /** Mode B maps from the bridge channel. */
  applyBridgeSourceMaps(kind: 'audio', m: readonly AudioSourceMapping[]): void;
  applyBridgeSourceMaps(kind: 'video', m: readonly VideoSourceMapping[]): void;
  applyBridgeSourceMaps(kind: 'audio' | 'video', m: readonly (AudioSourceMapping | VideoSourceMapping)[]): void {
    const s = this.#session;
    if (!s) return;
    this.#enqueue(`${kind} sources map`, () =>
      this.#applyDiff(s, kind === 'audio' ? s.map.applyAudioSourcesMap(m as AudioSourceMapping[]) : s.map.applyVideoSourcesMap(m as VideoSourceMapping[])),
    );
  }

  /** An occupant left: drop its sources even without source-remove (jitsi/jicofo#719). */
  removeOwner(endpointId: string): void {
    const s = this.#session;
    if (!s) return;
    this.#enqueue('occupant left', () => this.#applyDiff(s, s.map.removeOwner(endpointId)));
  }

  async #teardown(s: Session, reason: { condition: string; text?: string }): Promise<void> {
    if (this.#session !== s) return;
    this.#session = undefined;
    await this.o.media.closeSession(s.sid).catch((err: unknown) => this.#log.warn({ err }, 'closeSession failed'));
    this.#setState('ended');
    this.safeEmit('sessionTerminated', s.sid, reason);
  }

  #onMediaEvent(e: MediaPortEvent): void {
    const s = this.#session;
    if (!s || e.sid !== s.sid) return;
    if (e.type === 'localCandidate') {
      if (!e.candidate) return;
      s.pendingCandidates.push(e.candidate);
      if (s.accepted) this.#enqueue('transport-info', () => this.#flushCandidates(s));
    } else if (e.type === 'sessionLost') {
      this.requestRestart(`media session lost: ${e.reason}`);
    } else if (e.type === 'connectionStateChanged' && e.state === 'failed') {
      this.requestRestart('ICE failed');
    }
  }

  async #flushCandidates(s: Session): Promise<void> {
    if (this.#session !== s || s.pendingCandidates.length === 0 || !s.ufrag || !s.pwd) return;
    const candidates = s.pendingCandidates.splice(0).map((c) => candidateFromSdp(c.replace(/^a=/, '')));
    const msg = transportInfo({ sid: s.sid, initiator: s.offer.initiator ?? s.peer, contentName: s.mids[0] ?? 'audio', ufrag: s.ufrag, pwd: s.pwd, candidates });
    await this.o.connection.request(xml('iq', { type: 'set', to: s.peer }, buildJingle(msg)));
  }

  /**
   * §14: session-terminate with `<bridge-session id restart="true"/>` + connectivity-error; jicofo re-invites.
   * Returns false when rate-limited (≥ restartMinIntervalMs apart, ≤ 5 per minute).
   */
  requestRestart(why: string): boolean {
    const s = this.#session;
    if (!s) return false;
    const now = Date.now();
    this.#restarts = this.#restarts.filter((t) => now - t < 60_000);
    const last = this.#restarts[this.#restarts.length - 1];
    if (this.#restarts.length >= 5 || (last !== undefined && now - last < (this.o.restartMinIntervalMs ?? 5_000))) {
      this.#log.warn({ why }, 'restart request rate-limited');
      return false;
    }
    this.#restarts.push(now);
    this.safeEmit('restartRequested', s.sid, why);
    this.#enqueue('restart request', async () => {
      const msg = restartRequest({ sid: s.sid, ...(s.offer.initiator ? { initiator: s.offer.initiator } : {}), ...(s.offer.bridgeSessionId ? { bridgeSessionId: s.offer.bridgeSessionId } : {}) });
      await this.#teardown(s, { condition: 'connectivity-error', text: why });
      await this.o.connection.request(xml('iq', { type: 'set', to: s.peer }, buildJingle(msg)));
    });
    return true;
  }

  /** Stops the media session (leave); no session-terminate is sent (LJM does not, §16). */
  async close(): Promise<void> {
    if (this.#closed) return;
    const s = this.#session;
    if (s) await this.#teardown(s, { condition: 'success', text: 'left' });
    this.#closed = true;
    this.#unsubscribe();
    await this.#queue;
    this.removeAllListeners();
  }
}

