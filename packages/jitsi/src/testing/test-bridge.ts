/**
 * Test videobridge: the Colibri WebSocket endpoint of JVB (`/colibri-ws/<server>/<conf>/<ep>?pwd=…`) with the JSON
 * catalogue of docs/jitsi-protocol.md §11. Strict like JVB's Jackson parsing: client messages must have exactly the
 * documented shape (only EndpointMessage / EndpointStats tolerate extra fields); anything else is recorded as rejected.
 * In SSRC-rewriting mode it announces AudioSourcesMap/VideoSourcesMap with slot SSRCs (§10 mode B).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientBridgeMessageSchema, type ReceiverVideoConstraints } from '../colibri/messages.js';
import { TypedEmitter } from '../events.js';
import type { RemoteSource } from '../media-port.js';
import {
  applyReceiverConstraints,
  forwardedVideoSources,
  initialReceiverVideoState,
  type ReceiverVideoState,
} from './forwarding-policy.js';

export interface ReceivedBridgeMessage {
  endpointId: string;
  conferenceId: string;
  message: Record<string, unknown>;
  /** Set when the message violated the documented shape (JVB would reject it). */
  rejected?: string;
}

interface Endpoint {
  conferenceId: string;
  endpointId: string;
  pwd: string;
  socket?: WebSocket;
  sources: RemoteSource[];
  rewriting: boolean;
  /** Mode B: slot SSRC per remote source name. */
  slots: Map<string, { ssrc: number; rtx?: number }>;
  /** What the endpoint asked to receive (ReceiverVideoConstraints, sticky) and what that forwards. */
  receiver: ReceiverVideoState;
  forwarded: string[];
}

export type TestBridgeEvents = {
  endpointConnected: [conferenceId: string, endpointId: string];
  endpointDisconnected: [conferenceId: string, endpointId: string];
  messageReceived: [ReceivedBridgeMessage];
  /** The video sources forwarded to an endpoint changed (its constraints, or sources came or went). */
  forwardedSourcesChanged: [conferenceId: string, endpointId: string, forwarded: string[]];
};

export interface TestBridgeOptions {
  serverId?: string;
  /** Extra `<web-socket>` URLs per endpoint (JVB sends several; §11, jbg/gst-meet#87). Default 2. */
  webSocketCount?: number;
  port?: number;
}

export class TestBridge extends TypedEmitter<TestBridgeEvents> {
  readonly serverId: string;
  readonly received: ReceivedBridgeMessage[] = [];
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #http: http.Server;
  readonly #wss: WebSocketServer;
  readonly #webSocketCount: number;
  #port = 0;
  #slotCounter = 0x10000000;
  #closed: Promise<void> | undefined;

  private constructor(options: TestBridgeOptions) {
    super();
    this.serverId = options.serverId ?? 'stagecast-jvb';
    this.#webSocketCount = options.webSocketCount ?? 2;
    this.#http = http.createServer((_req, res) => {
      res.writeHead(404).end();
    });
    this.#wss = new WebSocketServer({ noServer: true });
    this.#http.on('upgrade', (req, socket, head) => {
      const ep = this.#authorise(req.url ?? '');
      if (!ep) {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ep, ws));
    });
  }

  static async start(options: TestBridgeOptions = {}): Promise<TestBridge> {
    const b = new TestBridge(options);
    await new Promise<void>((resolve, reject) => {
      b.#http.once('error', reject);
      b.#http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    b.#port = (b.#http.address() as AddressInfo).port;
    return b;
  }

  get port(): number {
    return this.#port;
  }

  #key(conf: string, ep: string): string {
    return `${conf}/${ep}`;
  }

  /** Called by the focus when it allocates an endpoint: returns the `<web-socket>` URLs for the offer. */
  allocate(conferenceId: string, endpointId: string, options: { rewriting?: boolean } = {}): string[] {
    const pwd = randomBytes(12).toString('hex');
    const existing = this.#endpoints.get(this.#key(conferenceId, endpointId));
    existing?.socket?.close(1001, 'reallocated');
    this.#endpoints.set(this.#key(conferenceId, endpointId), {
      conferenceId,
      endpointId,
      pwd,
      sources: existing?.sources ?? [],
      rewriting: options.rewriting ?? false,
      slots: new Map(),
      // A new allocation starts like a fresh JVB endpoint: nothing forwarded until the client's constraints.
      receiver: initialReceiverVideoState(),
      forwarded: [],
    });
    const urls: string[] = [];
    for (let i = 0; i < this.#webSocketCount; i++) {
      const u = new URL(`ws://127.0.0.1:${this.#port}/colibri-ws/${this.serverId}${i === 0 ? '' : `-${i}`}/${conferenceId}/${endpointId}`);
      u.searchParams.set('pwd', pwd);
      urls.push(u.toString());
    }
    return urls;
  }

  release(conferenceId: string, endpointId: string): void {
    const ep = this.#endpoints.get(this.#key(conferenceId, endpointId));
    if (!ep) return;
    this.#endpoints.delete(this.#key(conferenceId, endpointId));
    ep.socket?.close(1001, 'endpoint expired');
    this.#refreshConference(conferenceId);
  }

  /** The endpoint's own sources (from its session-accept / source-add). */
  setEndpointSources(conferenceId: string, endpointId: string, sources: RemoteSource[]): void {
    const ep = this.#endpoints.get(this.#key(conferenceId, endpointId));
    if (!ep) return;
    ep.sources = sources;
    this.#refreshConference(conferenceId);
  }

  #authorise(rawUrl: string): Endpoint | undefined {
    const u = new URL(rawUrl, 'http://127.0.0.1');
    const m = /^\/colibri-ws\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(u.pathname);
    if (!m || !m[1]?.startsWith(this.serverId)) return undefined;
    const ep = this.#endpoints.get(this.#key(m[2] as string, m[3] as string));
    if (!ep || u.searchParams.get('pwd') !== ep.pwd) return undefined;
    return ep;
  }

  #onConnection(ep: Endpoint, ws: WebSocket): void {
    ep.socket?.close(1001, 'replaced');
    ep.socket = ws;
    ws.on('message', (data, isBinary) => this.#onMessage(ep, isBinary ? null : data.toString()));
    ws.on('close', () => {
      if (ep.socket === ws) {
        ep.socket = undefined;
        this.safeEmit('endpointDisconnected', ep.conferenceId, ep.endpointId);
      }
    });
    this.#send(ep, { colibriClass: 'ServerHello', version: 'stagecast-test-bridge' });
    this.#sendState(ep, true);
    this.safeEmit('endpointConnected', ep.conferenceId, ep.endpointId);
  }

  #conference(conferenceId: string): Endpoint[] {
    return [...this.#endpoints.values()].filter((e) => e.conferenceId === conferenceId);
  }

  #refreshConference(conferenceId: string): void {
    for (const ep of this.#conference(conferenceId)) {
      this.#updateForwarding(ep, false);
      this.#sendState(ep, false);
    }
  }

  /** Video sources currently forwarded to an endpoint ([] before its first ReceiverVideoConstraints). */
  forwardedSources(conferenceId: string, endpointId: string): string[] {
    return [...(this.#endpoints.get(this.#key(conferenceId, endpointId))?.forwarded ?? [])];
  }

  #remoteVideo(ep: Endpoint): string[] {
    return this.#conference(ep.conferenceId)
      .filter((o) => o !== ep)
      .flatMap((o) => o.sources.filter((s) => s.media === 'video').map((s) => s.name));
  }

  /** Recomputes what `ep` receives; on a change tells the media side and (if `announce`) the endpoint. */
  #updateForwarding(ep: Endpoint, announce: boolean): void {
    const next = forwardedVideoSources(ep.receiver, this.#remoteVideo(ep));
    if (next.length === ep.forwarded.length && next.every((n, i) => n === ep.forwarded[i])) return;
    ep.forwarded = next;
    this.safeEmit('forwardedSourcesChanged', ep.conferenceId, ep.endpointId, [...next]);
    if (announce) this.#send(ep, { colibriClass: 'ForwardedSources', forwardedSources: next });
  }

  /** SenderSourceConstraints for its own video sources, ForwardedSources, and (mode B) the source maps. */
  #sendState(ep: Endpoint, full: boolean): void {
    if (!ep.socket) return;
    if (full) {
      for (const s of ep.sources.filter((x) => x.media === 'video')) {
        this.#send(ep, { colibriClass: 'SenderSourceConstraints', sourceName: s.name, maxHeight: 720 });
      }
    }
    const others = this.#conference(ep.conferenceId).filter((o) => o !== ep);
    this.#send(ep, { colibriClass: 'ForwardedSources', forwardedSources: ep.forwarded });
    if (ep.rewriting) {
      const audio: Record<string, unknown>[] = [];
      const video: Record<string, unknown>[] = [];
      for (const s of others.flatMap((o) => o.sources)) {
        let slot = ep.slots.get(s.name);
        const isNew = !slot;
        if (!slot) {
          slot = { ssrc: this.#slotCounter++ };
          if (s.media === 'video') slot.rtx = this.#slotCounter++;
          ep.slots.set(s.name, slot);
        }
        if (!isNew && !full) continue; // later maps are deltas
        if (s.media === 'audio') audio.push({ source: s.name, owner: s.owner, ssrc: slot.ssrc });
        else video.push({ source: s.name, owner: s.owner, ssrc: slot.ssrc, rtx: slot.rtx ?? -1, videoType: (s.videoType ?? 'camera').toUpperCase() });
      }
      if (full || audio.length > 0) this.#send(ep, { colibriClass: 'AudioSourcesMap', mappedSources: audio });
      if (full || video.length > 0) this.#send(ep, { colibriClass: 'VideoSourcesMap', mappedSources: video });
    }
  }

  /** Broadcasts a dominant speaker change to every endpoint of the conference. */
  setDominantSpeaker(conferenceId: string, endpointId: string, previous: string[] = []): void {
    for (const ep of this.#conference(conferenceId)) {
      this.#send(ep, { colibriClass: 'DominantSpeakerEndpointChangeEvent', dominantSpeakerEndpoint: endpointId, previousSpeakers: previous, silence: false });
    }
  }

  /** Sends an arbitrary frame to one endpoint (tests: malformed/unknown classes). */
  sendRaw(conferenceId: string, endpointId: string, text: string): boolean {
    const ep = this.#endpoints.get(this.#key(conferenceId, endpointId));
    if (!ep?.socket) return false;
    ep.socket.send(text);
    return true;
  }

  /** Drops the endpoint's WebSocket (tests the client's reconnect). */
  dropConnection(conferenceId: string, endpointId: string): void {
    this.#endpoints.get(this.#key(conferenceId, endpointId))?.socket?.terminate();
  }

  isConnected(conferenceId: string, endpointId: string): boolean {
    return this.#endpoints.get(this.#key(conferenceId, endpointId))?.socket !== undefined;
  }

  #send(ep: Endpoint, msg: Record<string, unknown>): void {
    ep.socket?.send(JSON.stringify(msg));
  }

  #onMessage(ep: Endpoint, text: string | null): void {
    const record: ReceivedBridgeMessage = { endpointId: ep.endpointId, conferenceId: ep.conferenceId, message: {} };
    let raw: unknown;
    try {
      raw = text === null ? undefined : JSON.parse(text);
    } catch {
      raw = undefined;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      record.rejected = 'not a JSON object text frame';
    } else {
      record.message = raw as Record<string, unknown>;
      const cls = record.message['colibriClass'];
      if (cls === 'EndpointMessage' || cls === 'EndpointStats') {
        if (cls === 'EndpointMessage' && (typeof record.message['to'] !== 'string' || typeof record.message['msgPayload'] !== 'object')) {
          record.rejected = 'EndpointMessage needs "to" (string) and "msgPayload" (object)';
        }
      } else {
        const parsed = clientBridgeMessageSchema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          record.rejected = `${String(cls)}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`;
        }
      }
    }
    this.received.push(record);
    this.safeEmit('messageReceived', record);
    if (record.rejected) return;
    const msg = record.message;
    if (msg['colibriClass'] === 'ClientHello') this.#send(ep, { colibriClass: 'ServerHello', version: 'stagecast-test-bridge' });
    if (msg['colibriClass'] === 'ReceiverVideoConstraints' || msg['colibriClass'] === 'LastNChangedEvent') {
      // Validated above against the strict schema.
      ep.receiver = applyReceiverConstraints(ep.receiver, msg as Omit<ReceiverVideoConstraints, 'colibriClass'>);
      this.#updateForwarding(ep, true);
    }
    if (msg['colibriClass'] === 'EndpointMessage') {
      const to = msg['to'] as string;
      for (const other of this.#conference(ep.conferenceId)) {
        if (other === ep || (to !== '' && other.endpointId !== to)) continue;
        this.#send(other, { ...msg, from: ep.endpointId });
      }
    }
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      for (const ep of this.#endpoints.values()) ep.socket?.terminate();
      this.#endpoints.clear();
      this.#wss.close();
      this.#http.closeAllConnections?.();
      await new Promise<void>((resolve) => this.#http.close(() => resolve()));
      this.removeAllListeners();
    })();
    return this.#closed;
  }
}
