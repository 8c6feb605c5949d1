/**
 * Colibri bridge channel over WebSocket (docs/jitsi-protocol.md §11): pick the first usable `<web-socket>` URL,
 * send an Origin header, send ReceiverVideoConstraints + SourceVideoTypeMessage on every (re)open (no video arrives
 * before ReceiverVideoConstraints), reconnect on unexpected close with 1, 2, 4 … 60 s backoff, typed events out.
 */
import WebSocket from 'ws';
import { BridgeChannelError } from '../errors.js';
import { delay, TypedEmitter } from '../events.js';
import { redact, type Logger } from '../logger.js';
import {
  encodeBridgeMessage,
  e2ePingRequestId,
  e2ePingResponse,
  parseBridgeMessage,
  receiverVideoConstraints,
  sourceVideoTypeMessage,
  type BridgeMessage,
  type ClientBridgeMessage,
  type ReceiverVideoConstraints,
  type SourceVideoType,
} from './messages.js';

export type BridgeChannelState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type BridgeChannelEvents = {
  stateChanged: [prev: BridgeChannelState, next: BridgeChannelState];
  opened: [url: string];
  messageReceived: [BridgeMessage];
  malformedMessageReceived: [BridgeChannelError];
  closedUnexpectedly: [code: number];
};

export interface BridgeChannelOptions {
  urls: readonly string[];
  origin?: string;
  /** Skip URLs on this host (LJM `bridgeChannel.ignoreDomain`). */
  ignoreDomain?: string;
  constraints: () => Omit<ReceiverVideoConstraints, 'colibriClass'>;
  videoSources: () => { sourceName: string; videoType: SourceVideoType }[];
  ca?: string | Buffer;
  openTimeoutMs?: number;
  logger: Logger;
}

/** First usable URL: ws(s), parseable, not on the ignored domain. Throws the typed "no bridge channel" error. */
export function pickBridgeUrl(urls: readonly string[], ignoreDomain?: string): string {
  for (const u of urls) {
    try {
      const url = new URL(u);
      if (url.protocol !== 'wss:' && url.protocol !== 'ws:') continue;
      if (ignoreDomain && url.hostname === ignoreDomain) continue;
      return url.toString();
    } catch {
      continue;
    }
  }
  throw new BridgeChannelError(
    'websockets-disabled',
    'The offer contains no usable <web-socket> bridge channel URL: colibri WebSockets are disabled on this videobridge, so no video can be received. Enable websockets in JVB (videobridge.websockets.enabled) and the /colibri-ws/ proxy route.',
  );
}

export class BridgeChannel extends TypedEmitter<BridgeChannelEvents> {
  #state: BridgeChannelState = 'connecting';
  #ws: WebSocket | undefined;
  readonly #url: string;
  readonly #abort = new AbortController();
  #attempt = 0;

  private constructor(private readonly o: BridgeChannelOptions) {
    super(o.logger);
    this.#url = pickBridgeUrl(o.urls, o.ignoreDomain);
  }

  /** Opens the channel; resolves on the first open, rejects with a typed error if that fails. */
  static async open(o: BridgeChannelOptions, attach?: (ch: BridgeChannel) => void): Promise<BridgeChannel> {
    const ch = new BridgeChannel(o);
    attach?.(ch); // listeners before the socket opens: ServerHello arrives immediately
    await ch.#connect();
    return ch;
  }

  get state(): BridgeChannelState {
    return this.#state;
  }

  get url(): string {
    return this.#url;
  }

  #setState(next: BridgeChannelState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.safeEmit('stateChanged', prev, next);
  }

  #connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(this.#url, {
        handshakeTimeout: this.o.openTimeoutMs ?? 10_000,
        ...(this.o.origin ? { origin: this.o.origin } : {}),
        ...(this.o.ca ? { ca: this.o.ca } : {}),
      });
      this.#ws = ws;
      let opened = false;
      ws.on('unexpected-response', (_req, res) => {
        // jbg/gst-meet#54: HTTP 200 instead of 101 = colibri-ws not routed/enabled.
        ws.terminate();
        reject(new BridgeChannelError(
          res.statusCode === 200 ? 'websockets-disabled' : 'no-bridge',
          `Bridge channel upgrade at ${redact(this.#url)} answered HTTP ${res.statusCode}; ${res.statusCode === 200 ? 'colibri websockets are disabled or not proxied (/colibri-ws/)' : 'the endpoint is unknown or the password expired'}.`,
        ));
      });
      ws.on('open', () => {
        opened = true;
        this.#attempt = 0;
        this.#setState('open');
        this.#sendOpenMessages();
        this.safeEmit('opened', this.#url);
        resolve();
      });
      ws.on('message', (data, isBinary) => this.#onMessage(isBinary ? null : data.toString()));
      ws.on('error', (err) => {
        if (!opened) reject(new BridgeChannelError('no-bridge', `Bridge channel ${redact(this.#url)} could not be opened (${err.message}); check that the videobridge is reachable.`, { cause: err }));
      });
      ws.on('close', (code) => {
        if (this.#ws !== ws) return;
        this.#ws = undefined;
        if (!opened || this.#state === 'closed') return;
        this.safeEmit('closedUnexpectedly', code);
        void this.#reconnect();
      });
    });
  }

  async #reconnect(): Promise<void> {
    this.#setState('reconnecting');
    while (this.#state === 'reconnecting') {
      const wait = Math.min(60_000, 1000 * 2 ** this.#attempt++);
      try {
        await delay(wait, this.#abort.signal);
        await this.#connect();
        return;
      } catch (err) {
        if (this.#abort.signal.aborted) return;
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'bridge channel reconnect failed');
      }
    }
  }

  #sendOpenMessages(): void {
    this.send(receiverVideoConstraints(this.o.constraints()));
    for (const v of this.o.videoSources()) this.send(sourceVideoTypeMessage(v.sourceName, v.videoType));
  }

  #onMessage(text: string | null): void {
    let msg: BridgeMessage;
    try {
      msg = parseBridgeMessage(text);
    } catch (err) {
      if (err instanceof BridgeChannelError) this.safeEmit('malformedMessageReceived', err);
      return;
    }
    if (msg.colibriClass === 'Ignored') return;
    const pingId = e2ePingRequestId(msg);
    if (pingId !== undefined && msg.colibriClass === 'EndpointMessage' && typeof (msg as { from?: unknown }).from === 'string') {
      this.send(e2ePingResponse((msg as { from: string }).from, pingId));
    }
    this.safeEmit('messageReceived', msg);
  }

  /** Sends a validated client message; returns false when the channel is not open. */
  send(msg: ClientBridgeMessage): boolean {
    const text = encodeBridgeMessage(msg);
    if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(text);
    return true;
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    this.#abort.abort();
    this.#ws?.close(1000, 'bye');
    this.#ws = undefined;
    this.removeAllListeners();
  }
}
