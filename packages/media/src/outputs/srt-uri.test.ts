import { describe, expect, it } from 'vitest';
import { outputSpecSchema } from '../composite/protocol.js';
import { networkOutputDescription } from './descriptions.js';
import { parseSrtUri, srtSinkUri, SrtUriError } from './srt-uri.js';

describe('SRT output URIs', () => {
  it('caller, listener (with and without a bind address), rendezvous, IPv6', () => {
    expect(parseSrtUri('srt://cdn.example.com:9000')).toEqual({
      mode: 'caller',
      host: 'cdn.example.com',
      port: 9000,
      params: { mode: 'caller' },
    });
    expect(parseSrtUri('srt://:9000?mode=listener')).toMatchObject({ mode: 'listener', host: '0.0.0.0', port: 9000 });
    expect(parseSrtUri('srt://:9000')).toMatchObject({ mode: 'listener', host: '0.0.0.0' });
    expect(parseSrtUri('srt://127.0.0.1:7001/?mode=listener&latency=120')).toMatchObject({
      mode: 'listener',
      host: '127.0.0.1',
      params: { latency: '120' },
    });
    expect(parseSrtUri('srt://peer:7001?mode=rendezvous').mode).toBe('rendezvous');
    expect(parseSrtUri('srt://[::1]:7001').host).toBe('[::1]');
  });

  it.each([
    ['rtmp://h:1', /must start with srt:\/\/.*srt:\/\/:9000\?mode=listener/],
    ['srt://cdn.example.com', /has no port: add one, e\.g\. srt:\/\/cdn\.example\.com:9000/],
    ['srt://:?mode=listener', /has no port/],
    ['srt://h:70000', /out of range: use 1–65535/],
    ['srt://h:9000?mode=server', /mode=server is unknown: use mode=caller, mode=listener or mode=rendezvous/],
    ['srt://:9000?mode=caller', /caller mode needs the receiver's host: write srt:\/\/receiver\.example\.com:9000/],
    ['srt://h:9000?latncy=200', /unknown parameter "latncy": use only mode, latency/],
    ['srt://h:9000?latency=2s', /latency=2s is not a whole number of milliseconds/],
    ['srt://h:9000?passphrase=short', /passphrase must be 10–79 characters/],
    ['srt://user@h:9000', /not a valid SRT URI/],
    ['srt://h:9000/live', /not a valid SRT URI/],
  ])('rejects %s with the fix', (uri, message) => {
    expect(() => parseSrtUri(uri)).toThrow(SrtUriError);
    expect(() => parseSrtUri(uri)).toThrow(message);
  });

  it('the output schema rejects bad URIs with the same message; srtsink gets host, mode and latency explicitly', () => {
    const bad = outputSpecSchema.safeParse({ id: 's', kind: 'srt', uri: 'srt://cdn.example.com' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/has no port/);
    const listener = outputSpecSchema.parse({ id: 's', kind: 'srt', uri: 'srt://:9000?mode=listener', latencyMs: 300 });
    if (listener.kind !== 'srt') throw new Error('kind');
    expect(networkOutputDescription(listener, 5000)).toContain(
      'srtsink name=sink uri="srt://0.0.0.0:9000?mode=listener&latency=300" wait-for-connection=false',
    );
    const caller = outputSpecSchema.parse({
      id: 's',
      kind: 'srt',
      uri: 'srt://h:9000?latency=80',
      passphrase: 'abcdefghijk',
    });
    if (caller.kind !== 'srt') throw new Error('kind');
    expect(networkOutputDescription(caller, 5000)).toContain(
      'uri="srt://h:9000?latency=80&mode=caller&passphrase=abcdefghijk"',
    );
    expect(srtSinkUri(parseSrtUri('srt://h:1'), { latencyMs: 50 })).toBe('srt://h:1?mode=caller&latency=50');
  });
});
