/**
 * XMPP over WebSocket (RFC 7395) with @xmpp/client: explicit `domain` (never derived from the URL, jbg/gst-meet#119),
 * SASL ANONYMOUS / PLAIN, JWT in the URL, XMPP ping keep-alive (LJM `strophe.ping.ts`: every 10 s, 5 s timeout,
 * reconnect after 2 failures), reconnect with a pluggable backoff policy, and an IQ router that answers every IQ
 * (unknown → service-unavailable, handler exceptions isolated → internal-server-error). docs/jitsi-protocol.md §2.
 */
import { client as xmppClient, type Client, type IqContext } from '@xmpp/client';
import { xml, type Element } from '@xmpp/xml';
import type WebSocket from 'ws';
import { classifyNetworkError } from '../discovery/network-errors.js';
import { ConnectionError } from '../errors.js';
import { delay, TypedEmitter } from '../events.js';
import { redact, silentLogger, type Logger } from '../logger.js';
import { ExponentialBackoffPolicy, type ReconnectPolicy } from './reconnect-policy.js';
import { errorElement, StanzaError } from './stanza-error.js';
import { createWsTransport } from './ws-transport.js';

export type XmppAuth =
  | { kind: 'anonymous' }
  /** JWT goes into `?token=` of the WebSocket URL; SASL stays ANONYMOUS (Prosody mod_auth_token). */
  | { kind: 'jwt'; token: string }
  | { kind: 'password'; username: string; password: string };

export interface XmppConnectionOptions {
  /** Full service URL (already carrying `?room=` and, for JWT, `?token=`). */
  serviceUrl: string;
  /** XMPP domain to open the stream to (hosts.domain, or hosts.anonymousdomain for guests). */
  domain: string;
  auth: XmppAuth;
  /** Requested resource for binding (RFC 6120 §7.7); the server may assign another. */
  resource?: string;
  ca?: string | Buffer;
  connectTimeoutMs?: number;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  pingFailuresBeforeReconnect?: number;
  reconnectPolicy?: ReconnectPolicy;
  logger?: Logger;
}

export type XmppConnectionState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'closing' | 'closed';

export type XmppConnectionEvents = {
  stateChanged: [prev: XmppConnectionState, next: XmppConnectionState];
  /** After the first successful connect and after every reconnect (new full JID). */
  connected: [jid: string, isReconnect: boolean];
  disconnected: [reason: string];
  reconnectScheduled: [attempt: number, delayMs: number];
  /** Reconnecting was given up (policy returned null) or the server refused a reconnect. */
  failed: [error: ConnectionError];
  /** Every presence and message stanza (IQs go through `handleIq`). */
  stanzaReceived: [stanza: Element];
};

/** Handler result: an element for the result payload, `true` for an empty result, or an `<error>` element. */
export type IqHandlerResult = Element | true;
export type IqHandler = (stanza: Element, payload: Element) => IqHandlerResult | Promise<IqHandlerResult>;

interface Route {
  type: 'get' | 'set';
  ns: string;
  name: string;
  handler: IqHandler;
}

const NS_PING = 'urn:xmpp:ping';

export class XmppConnection extends TypedEmitter<XmppConnectionEvents> {
  readonly #o: Required<Omit<XmppConnectionOptions, 'ca' | 'logger' | 'resource'>> & Pick<XmppConnectionOptions, 'ca' | 'resource'>;
  readonly #log: Logger;
  readonly #routes: Route[] = [];
  #client: Client | undefined;
  #ws: WebSocket | undefined;
  #state: XmppConnectionState = 'idle';
  #jid: string | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #pingFailures = 0;
  #closeController = new AbortController();
  #closing: Promise<void> | undefined;

  constructor(options: XmppConnectionOptions) {
    const log = options.logger ?? silentLogger;
    super(log);
    this.#log = log.child({ module: 'xmpp' });
    this.#o = {
      serviceUrl: options.serviceUrl,
      domain: options.domain,
      auth: options.auth,
      ca: options.ca,
      resource: options.resource,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      pingIntervalMs: options.pingIntervalMs ?? 10_000,
      pingTimeoutMs: options.pingTimeoutMs ?? 5_000,
      pingFailuresBeforeReconnect: options.pingFailuresBeforeReconnect ?? 2,
      reconnectPolicy: options.reconnectPolicy ?? new ExponentialBackoffPolicy(),
    };
    // disco#info and ping are answered by the owner (client) and here respectively; ping must always work.
    this.handleIq('get', NS_PING, 'ping', () => true);
  }

  get state(): XmppConnectionState {
    return this.#state;
  }

  /** Our full JID while online. */
  get jid(): string {
    if (!this.#jid) throw new ConnectionError('closed', 'Not connected to XMPP; call connect() first.');
    return this.#jid;
  }

  get domain(): string {
    return this.#o.domain;
  }

  /** Registers an IQ handler (survives reconnects). Register before connect(). */
  handleIq(type: 'get' | 'set', ns: string, name: string, handler: IqHandler): void {
    this.#routes.push({ type, ns, name, handler });
  }

  #setState(next: XmppConnectionState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.safeEmit('stateChanged', prev, next);
  }

  async connect(): Promise<string> {
    if (this.#state !== 'idle') throw new ConnectionError('closed', `connect() called in state ${this.#state}; create a new connection.`);
    this.#setState('connecting');
    try {
      const jid = await this.#open();
      this.#setState('online');
      this.safeEmit('connected', jid, false);
      return jid;
    } catch (err) {
      this.#setState('closed');
      throw err;
    }
  }

  async #open(): Promise<string> {
    const o = this.#o;
    const entity = xmppClient({
      service: o.serviceUrl,
      domain: o.domain,
      ...(o.resource ? { resource: o.resource } : {}),
      credentials: async (authenticate, mechanisms) => {
        if (o.auth.kind === 'password') {
          const mech = ['SCRAM-SHA-1', 'PLAIN'].find((m) => mechanisms.includes(m));
          if (!mech) throw new ConnectionError('auth-mechanism-unsupported', `The server offers ${mechanisms.join(', ') || 'no'} SASL mechanisms, none of SCRAM-SHA-1/PLAIN; use anonymous or JWT login for this deployment.`);
          await authenticate({ username: o.auth.username, password: o.auth.password }, mech);
          return;
        }
        if (!mechanisms.includes('ANONYMOUS')) {
          throw new ConnectionError(
            'auth-mechanism-unsupported',
            `The server does not allow anonymous login on ${o.domain} (offers ${mechanisms.join(', ') || 'none'}); pass credentials (secure domain) or a JWT.`,
          );
        }
        await authenticate({}, 'ANONYMOUS');
      },
    });
    entity.reconnect.stop();
    entity.transports.length = 0;
    entity.transports.push(createWsTransport({ ...(o.ca ? { ca: o.ca } : {}), handshakeTimeoutMs: o.connectTimeoutMs, onSocket: (ws) => (this.#ws = ws) }));
    entity.timeout = o.connectTimeoutMs;
    for (const r of this.#routes) entity.iqCallee[r.type](r.ns, r.name, (ctx: IqContext) => this.#dispatch(r, ctx));
    entity.on('error', (err: unknown) => this.#log.debug({ err: redact(String(err)) }, 'xmpp error'));
    entity.on('stanza', (stanza: Element) => {
      if (stanza.name === 'iq') return;
      this.safeEmit('stanzaReceived', stanza);
    });
    this.#client = entity;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConnectionError('timeout', `XMPP login to ${o.domain} did not finish within ${o.connectTimeoutMs} ms; check the WebSocket URL and that Prosody is reachable.`)),
        o.connectTimeoutMs,
      );
    });
    try {
      const jid = await Promise.race([entity.start(), timeout]);
      this.#jid = jid.toString();
    } catch (err) {
      this.#client = undefined;
      this.#destroy(entity);
      throw this.#mapConnectError(err);
    } finally {
      clearTimeout(timer);
    }
    entity.on('disconnect', () => this.#onTransportLost('websocket closed'));
    this.#startPing();
    this.#log.info({ jid: this.#jid, domain: o.domain }, 'xmpp online');
    return this.#jid;
  }

  #mapConnectError(err: unknown): ConnectionError {
    if (err instanceof ConnectionError) return err;
    const e = err as { name?: string; condition?: string; text?: string; message?: string };
    if (e?.name === 'SASLError') {
      return new ConnectionError(
        'auth-refused',
        `The XMPP server refused the login (${e.condition ?? 'failure'}${e.text ? `: ${e.text}` : ''}); check the JWT (expiry, room, audience) or the username/password.`,
        { cause: err },
      );
    }
    const msg = e?.message ?? String(err);
    if (/Unexpected server response/.test(msg)) {
      return new ConnectionError('websocket-failed', `The WebSocket upgrade at ${redact(this.#o.serviceUrl)} failed (${msg}); check the websocket URL (config.js "websocket") and the reverse proxy.`, { cause: err });
    }
    return classifyNetworkError(err, this.#o.serviceUrl, 'websocket-failed');
  }

  async #dispatch(route: Route, ctx: IqContext): Promise<Element | boolean> {
    try {
      return await route.handler(ctx.stanza, ctx.element);
    } catch (err) {
      // Per-handler error isolation: a bug answers this IQ with an error, never kills the connection.
      this.#log.error({ err, ns: route.ns }, 'iq handler threw');
      return errorElement('cancel', 'internal-server-error');
    }
  }

  /** Sends a stanza; throws when not online. */
  async send(stanza: Element): Promise<void> {
    const c = this.#client;
    if (!c || this.#state !== 'online') throw new ConnectionError('closed', `Cannot send while ${this.#state}; wait for the connection to come back.`);
    await c.send(stanza);
  }

  /** Sends an IQ and waits for its result; XMPP errors become StanzaError, silence a ConnectionError('timeout'). */
  async request(iq: Element, timeoutMs = 10_000): Promise<Element> {
    const c = this.#client;
    if (!c || this.#state !== 'online') throw new ConnectionError('closed', `Cannot send an IQ while ${this.#state}; wait for the connection to come back.`);
    try {
      return await c.iqCaller.request(iq, timeoutMs);
    } catch (err) {
      const e = err as { name?: string; element?: Element };
      if (e?.name === 'StanzaError' || (e?.element && e.element.name === 'error')) {
        const stanza = e.element?.parent ?? xml('iq', { type: 'error' }, e.element);
        throw StanzaError.fromStanza(stanza);
      }
      if (e?.name === 'TimeoutError') {
        throw new ConnectionError('timeout', `No reply from ${iq.attrs.to ?? 'server'} within ${timeoutMs} ms (${iq.getChildElements()[0]?.name ?? 'iq'}).`);
      }
      throw err;
    }
  }

  #startPing(): void {
    this.#stopPing();
    this.#pingFailures = 0;
    this.#pingTimer = setInterval(() => void this.#ping(), this.#o.pingIntervalMs);
    this.#pingTimer.unref?.();
  }

  #stopPing(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
  }

  async #ping(): Promise<void> {
    if (this.#state !== 'online') return;
    try {
      await this.request(xml('iq', { type: 'get', to: this.#o.domain }, xml('ping', { xmlns: NS_PING })), this.#o.pingTimeoutMs);
      this.#pingFailures = 0;
    } catch (err) {
      if (err instanceof StanzaError) {
        this.#pingFailures = 0; // an error reply still proves the stream is alive
        return;
      }
      this.#pingFailures++;
      this.#log.warn({ failures: this.#pingFailures }, 'xmpp ping failed');
      if (this.#pingFailures >= this.#o.pingFailuresBeforeReconnect) this.#onTransportLost('ping timeout');
    }
  }

  #destroy(entity: Client): void {
    entity.removeAllListeners();
    entity.on('error', () => {});
    try {
      this.#ws?.terminate();
    } catch {
      /* already gone */
    }
  }

  #onTransportLost(reason: string): void {
    if (this.#state !== 'online') return;
    this.#stopPing();
    const old = this.#client;
    this.#client = undefined;
    this.#jid = undefined;
    if (old) this.#destroy(old);
    this.#log.warn({ reason }, 'xmpp connection lost');
    this.#setState('reconnecting');
    this.safeEmit('disconnected', reason);
    void this.#reconnectLoop();
  }

  async #reconnectLoop(): Promise<void> {
    const started = Date.now();
    const signal = this.#closeController.signal;
    for (let attempt = 0; ; attempt++) {
      const wait = this.#o.reconnectPolicy.nextRetryDelayInMs({ attempt, elapsedMs: Date.now() - started });
      if (wait === null) {
        this.#setState('closed');
        this.safeEmit('failed', new ConnectionError('closed', 'The XMPP connection was lost and could not be re-established; check the deployment and rejoin.'));
        return;
      }
      this.safeEmit('reconnectScheduled', attempt, wait);
      try {
        await delay(wait, signal);
      } catch {
        return; // closed meanwhile
      }
      if (this.#state !== 'reconnecting') return;
      try {
        const jid = await this.#open();
        if (this.#state !== 'reconnecting') {
          await this.#client?.stop().catch(() => {});
          return;
        }
        this.#setState('online');
        this.safeEmit('connected', jid, true);
        return;
      } catch (err) {
        this.#log.warn({ err: err instanceof Error ? err.message : String(err), attempt }, 'xmpp reconnect failed');
        if (err instanceof ConnectionError && err.reason === 'auth-refused') {
          this.#setState('closed');
          this.safeEmit('failed', err);
          return;
        }
      }
    }
  }

  /** For tests: kills the WebSocket abruptly (as a network failure would). */
  killTransportForTesting(): void {
    this.#ws?.terminate();
  }

  /** Closes the stream (`<close/>`) and the socket. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closeController.abort(new ConnectionError('closed', 'connection closed'));
      this.#stopPing();
      const c = this.#client;
      this.#setState('closing');
      if (c) {
        try {
          await Promise.race([c.stop(), delay(3000)]);
        } catch {
          /* closing anyway */
        }
        this.#destroy(c);
      }
      this.#client = undefined;
      this.#setState('closed');
      this.removeAllListeners();
    })();
    return this.#closing;
  }
}
