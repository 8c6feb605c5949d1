/**
 * RFC 7395 transport for @xmpp/client on Node 20, which has no global WebSocket: the library's framing and parser
 * with a `ws` socket underneath (so TLS options such as an extra CA are per connection, never global).
 */
import ConnectionWebSocket from '@xmpp/websocket/lib/Connection.js';
import Socket, { isSecure } from '@xmpp/websocket/lib/Socket.js';
import WebSocket from 'ws';

export interface WsTransportOptions {
  ca?: string | Buffer;
  handshakeTimeoutMs?: number;
  /** Called with each raw ws socket (tests use it to inspect or kill the transport). */
  onSocket?: (ws: WebSocket) => void;
}

export function createWsTransport(options: WsTransportOptions): unknown {
  class NodeWsSocket extends Socket {
    override connect(url: string): void {
      this.url = url;
      this.secure = isSecure(url);
      const ws = new WebSocket(url, ['xmpp'], {
        handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
        ...(options.ca ? { ca: options.ca } : {}),
      });
      options.onSocket?.(ws);
      this._attachSocket(ws);
    }
  }
  class NodeWsConnection extends ConnectionWebSocket {}
  (NodeWsConnection.prototype as { Socket: unknown }).Socket = NodeWsSocket;
  return NodeWsConnection;
}
