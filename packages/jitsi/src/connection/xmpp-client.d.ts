/**
 * Type declarations for the parts of `@xmpp/client` 0.14 (and its websocket transport) this package uses; the
 * library ships no types. Kept minimal on purpose.
 */
declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';

  export interface JID {
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    toString(): string;
  }

  export interface IqContext {
    stanza: Element;
    element: Element;
    from: string;
    to: string;
    id: string;
    type: string;
  }
  export type IqHandler = (ctx: IqContext) => Element | boolean | undefined | Promise<Element | boolean | undefined>;

  export interface Client extends EventEmitter {
    jid: JID | null;
    status: string;
    options: { service: string; domain: string };
    transports: unknown[];
    timeout: number;
    start(): Promise<JID>;
    stop(): Promise<void>;
    send(el: Element): Promise<void>;
    iqCaller: { request(el: Element, timeout?: number): Promise<Element> };
    iqCallee: { get(ns: string, name: string, h: IqHandler): void; set(ns: string, name: string, h: IqHandler): void };
    reconnect: { stop(): void; start(): void };
    socket: { socket?: { terminate?: () => void; close(): void } | null } | null;
  }

  export type Credentials = (
    authenticate: (credentials: { username?: string; password?: string }, mechanism: string, userAgent?: unknown) => Promise<void>,
    mechanisms: string[],
  ) => Promise<void>;

  export interface ClientOptions {
    service: string;
    domain: string;
    resource?: string;
    credentials?: Credentials;
    username?: string;
    password?: string;
  }

  export function client(options: ClientOptions): Client;
  export function jid(s: string): JID;
}

declare module '@xmpp/websocket/lib/Connection.js' {
  export default class ConnectionWebSocket {
    Socket: unknown;
  }
}

declare module '@xmpp/websocket/lib/Socket.js' {
  export default class Socket {
    url: string | null;
    secure: boolean;
    connect(url: string): void;
    _attachSocket(socket: unknown): void;
  }
  export function isSecure(url: string): boolean;
}
