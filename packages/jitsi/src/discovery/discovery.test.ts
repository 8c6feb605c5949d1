import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors.js';
import { evaluateConfigJs, normaliseRoomName, parseMeetingUrl, serviceUrl } from './discovery.js';

describe('discovery', () => {
  it('normalises room names like jitsi-meet getBackendSafeRoomName', () => {
    expect(normaliseRoomName('MyRoom')).toBe('myroom');
    expect(normaliseRoomName('Caf%C3%A9')).toBe('café');
    expect(normaliseRoomName('ﬁle')).toBe('file'); // NFKC
    expect(() => normaliseRoomName('a%20b')).toThrow(ConnectionError);
  });
  it('parses tenant URLs', () => {
    expect(parseMeetingUrl('https://meet.example.com/team/Room1')).toEqual({
      origin: 'https://meet.example.com',
      tenant: 'team',
      room: 'room1',
      base: 'https://meet.example.com/team/',
    });
    expect(() => parseMeetingUrl('ftp://x/y')).toThrow(/http/);
  });
  it('builds the service URL with URLSearchParams (no ?room=R?room=R, jbg/gst-meet#90)', () => {
    const u = serviceUrl('wss://h/xmpp-websocket?room=old', { room: 'r&x', token: 'a.b.c' });
    expect(u).toBe('wss://h/xmpp-websocket?room=r%26x&token=a.b.c');
  });
  it('evaluates config.js without globals and with a timeout', () => {
    const cfg = evaluateConfigJs("var config = { hosts: { domain: 'd', muc: 'conference.d' } }; config.websocket = 'wss://d/xmpp-websocket';");
    expect(cfg.hosts.domain).toBe('d');
    expect(cfg.websocket).toBe('wss://d/xmpp-websocket');
    expect(() => evaluateConfigJs('require("fs")')).toThrow(ConnectionError);
    expect(() => evaluateConfigJs('while (true) {}', 50)).toThrow(/could not be evaluated/);
    expect(() => evaluateConfigJs('var config = {}')).toThrow(/hosts/);
  });
});
