import { xml, type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { discoverIceServers, iceServerFromService, NS_EXTDISCO_1, NS_EXTDISCO_2 } from './extdisco.js';

const service = (attrs: Record<string, string>) => xml('service', attrs);

describe('iceServerFromService (XEP-0215 → RFC 7064/7065 URIs)', () => {
  it('maps STUN, TURN over TCP with credentials, TURNS and IPv6 hosts', () => {
    expect(iceServerFromService(service({ type: 'stun', host: 'stun.example.test', port: '3478', transport: 'udp' }))).toEqual({ urls: 'stun:stun.example.test:3478' });
    expect(iceServerFromService(service({ type: 'turn', host: 'turn.example.test', port: '443', transport: 'tcp', username: 'u', password: 'p' }))).toEqual({
      urls: 'turn:turn.example.test:443?transport=tcp',
      username: 'u',
      credential: 'p',
    });
    expect(iceServerFromService(service({ type: 'turns', host: '2001:db8::1', port: '5349', transport: 'tcp' }))).toEqual({ urls: 'turns:[2001:db8::1]:5349?transport=tcp' });
  });
  it('skips services it cannot use', () => {
    expect(iceServerFromService(service({ type: 'ftp', host: 'x' }))).toBeUndefined();
    expect(iceServerFromService(service({ type: 'stun', host: 'bad host' }))).toBeUndefined();
    expect(iceServerFromService(service({ type: 'turn', host: 'h', port: '99999' }))).toBeUndefined();
  });
});

describe('discoverIceServers', () => {
  it('falls back from extdisco:2 to extdisco:1 and never throws', async () => {
    const asked: string[] = [];
    const connection = {
      async request(iq: Element): Promise<Element> {
        const ns = iq.getChildElements()[0]?.attrs.xmlns as string;
        asked.push(ns);
        if (ns === NS_EXTDISCO_2) throw new Error('service-unavailable');
        return xml('iq', { type: 'result' }, xml('services', { xmlns: ns }, service({ type: 'stun', host: 'h', port: '1' })));
      },
    };
    await expect(discoverIceServers(connection, 'example.test', { logger: silentLogger })).resolves.toEqual([{ urls: 'stun:h:1' }]);
    expect(asked).toEqual([NS_EXTDISCO_2, NS_EXTDISCO_1]);
    const broken = { request: async (): Promise<Element> => Promise.reject(new Error('down')) };
    await expect(discoverIceServers(broken, 'example.test', { logger: silentLogger })).resolves.toEqual([]);
  });
});
