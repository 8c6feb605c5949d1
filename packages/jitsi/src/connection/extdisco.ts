/**
 * STUN/TURN discovery (XEP-0215 External Service Discovery, docs/jitsi-protocol.md §2): after bind, ask
 * `hosts.domain` for `<services xmlns="urn:xmpp:extdisco:2"/>`, fall back to `extdisco:1` (LJM `xmpp.js`
 * `_initStrophePlugins`/ExternalServicesDiscovery). Failure is tolerated: JVB normally has public candidates.
 * Services become MediaPort `iceServers` with RFC 7064/7065 URIs.
 */
import { xml, type Element } from '@xmpp/xml';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { IceServer } from '../media-port.js';
import type { XmppConnection } from './xmpp-connection.js';

export const NS_EXTDISCO_2 = 'urn:xmpp:extdisco:2';
export const NS_EXTDISCO_1 = 'urn:xmpp:extdisco:1';

const serviceSchema = z.object({
  type: z.enum(['stun', 'turn', 'turns']),
  host: z.string().min(1).regex(/^[^\s/?#@]+$/),
  port: z.coerce.number().int().min(1).max(65535).optional(),
  transport: z.enum(['udp', 'tcp']).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
});

/** One `<service>` element → IceServer, or undefined for anything we cannot use (unknown type, bad host). */
export function iceServerFromService(el: Element): IceServer | undefined {
  const parsed = serviceSchema.safeParse({
    type: el.attrs.type,
    host: el.attrs.host,
    port: el.attrs.port,
    transport: el.attrs.transport,
    username: el.attrs.username,
    password: el.attrs.password,
  });
  if (!parsed.success) return undefined;
  const s = parsed.data;
  const host = s.host.includes(':') && !s.host.startsWith('[') ? `[${s.host}]` : s.host;
  let urls = `${s.type}:${host}${s.port ? `:${s.port}` : ''}`;
  if (s.type !== 'stun' && s.transport) urls += `?transport=${s.transport}`;
  const server: IceServer = { urls };
  if (s.username !== undefined) server.username = s.username;
  if (s.password !== undefined) server.credential = s.password;
  return server;
}

/** Queries extdisco:2, then extdisco:1; returns [] (and logs) when neither answers usefully. Never throws. */
export async function discoverIceServers(
  connection: Pick<XmppConnection, 'request'>,
  domain: string,
  options: { timeoutMs?: number; logger: Logger },
): Promise<IceServer[]> {
  for (const ns of [NS_EXTDISCO_2, NS_EXTDISCO_1]) {
    try {
      const res = await connection.request(xml('iq', { type: 'get', to: domain }, xml('services', { xmlns: ns })), options.timeoutMs ?? 5000);
      const services = res.getChild('services', ns)?.getChildren('service') ?? [];
      const servers = services.map(iceServerFromService).filter((x): x is IceServer => x !== undefined);
      options.logger.debug({ count: servers.length, ns }, 'extdisco answered');
      return servers;
    } catch (err) {
      options.logger.debug({ err: err instanceof Error ? err.message : String(err), ns }, 'extdisco query failed');
    }
  }
  options.logger.info({ domain }, 'no STUN/TURN services from extdisco; relying on the bridge candidates');
  return [];
}
