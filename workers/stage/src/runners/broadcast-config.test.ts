import { describe, expect, it } from 'vitest';
import { compositeChoiceFor, hlsDirectory, ingestBase, resolveBroadcast } from './broadcast-config.js';
import { StageError } from './types.js';

const room = {
  slug: 'main-hall',
  meetingUrl: 'https://meet.example.org/main-hall',
  jitsiCredentials: null,
  broadcastOutputs: [],
};

describe('compositeChoiceFor (admin layout → composite)', () => {
  it('maps every admin layout', () => {
    expect(compositeChoiceFor('speaker')).toEqual({ kind: 'layout', layout: { kind: 'speaker', showNames: true } });
    expect(compositeChoiceFor('grid')).toEqual({ kind: 'layout', layout: { kind: 'grid', showNames: true } });
    expect(compositeChoiceFor('side-by-side')).toEqual({
      kind: 'layout',
      layout: { kind: 'screen-share', showNames: true },
    });
    expect(compositeChoiceFor('countdown')).toEqual({ kind: 'countdown' });
    expect(compositeChoiceFor('auto')).toEqual({ kind: 'layout', layout: { kind: 'auto', showNames: true } });
  });
});

describe('resolveBroadcast', () => {
  it('refuses a room without a meeting URL, permanently, naming the fix', () => {
    const error = (() => {
      try {
        resolveBroadcast({ ...room, meetingUrl: null }, '/srv/out');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StageError);
    expect(error).toMatchObject({ reason: 'invalid-job', permanent: true });
    expect((error as Error).message).toMatch(/no meeting URL.*admin app/);
  });

  it('writes local HLS under the output root when the room has no outputs', () => {
    const r = resolveBroadcast(room, '/srv/out');
    expect(r.outputs.hls).toMatchObject({ directory: '/srv/out/main-hall/broadcast' });
    expect(r.outputs.hls?.origin).toBeUndefined();
    expect(r.hlsPlaylist).toBe('/srv/out/main-hall/broadcast/index.m3u8');
    expect(r.meeting).toEqual({ meetingUrl: room.meetingUrl, displayName: 'Stagecast broadcast' });
    expect(r.outputs.hls).toMatchObject({ discontinuitySequence: 0 });
  });

  it('a taken-over run (attempt 3) starts the HLS discontinuity sequence above the earlier runs', () => {
    expect(resolveBroadcast(room, '/srv/out', 3).outputs.hls).toMatchObject({ discontinuitySequence: 2000 });
  });

  it('maps credentials, HLS origin ingest, RTMP keys and SRT stream ids', () => {
    const r = resolveBroadcast(
      {
        ...room,
        jitsiCredentials: { jwt: 'j.w.t', roomPassword: 'pw', xmppDomain: 'meet.jitsi' },
        broadcastOutputs: [
          { kind: 'rtmp', url: 'rtmp://live.example.org/app', streamKey: 'sk' },
          {
            kind: 'hls',
            publicUrl: 'https://cdn.example.org/hls/main/index.m3u8',
            ingestUrl: 'https://ingest.example.org/hls/main/index.m3u8',
            directory: 'custom/main',
          },
          { kind: 'hls', publicUrl: 'https://other.example.org/x.m3u8' },
          { kind: 'srt', url: 'srt://srt.example.org:9000', streamId: 'room a' },
        ],
      },
      '/srv/out',
    );
    expect(r.meeting).toMatchObject({
      roomPassword: 'pw',
      auth: { kind: 'jwt', token: 'j.w.t' },
      overrides: { domain: 'meet.jitsi' },
    });
    expect(r.outputs.hls).toMatchObject({
      directory: '/srv/out/custom/main',
      origin: { baseUrl: 'https://ingest.example.org/hls/main/' },
    });
    expect(r.outputs.rtmp).toEqual([{ url: 'rtmp://live.example.org/app', streamKey: 'sk' }]);
    expect(r.outputs.srt).toEqual([{ uri: 'srt://srt.example.org:9000?streamid=room%20a' }]);
    expect(r.warnings).toEqual([expect.stringMatching(/2 HLS outputs/)]);
  });

  it('RTMP only: no HLS is added', () => {
    const r = resolveBroadcast({ ...room, broadcastOutputs: [{ kind: 'rtmp', url: 'rtmp://h/app' }] }, '/srv/out');
    expect(r.outputs.hls).toBeUndefined();
    expect(r.hlsPlaylist).toBeNull();
  });
});

describe('hlsDirectory', () => {
  it('keeps directories inside the output root', () => {
    expect(hlsDirectory('/srv/out', 'a', undefined)).toBe('/srv/out/a/broadcast');
    expect(hlsDirectory('/srv/out', 'a', '/srv/out/x')).toBe('/srv/out/x');
    for (const bad of ['../etc', '/etc/nginx', '/srv/out', 'x/../../y']) {
      expect(() => hlsDirectory('/srv/out', 'a', bad)).toThrow(/outside the worker's output root/);
    }
  });
});

describe('ingestBase', () => {
  it('accepts a folder or a playlist URL', () => {
    expect(ingestBase('http://127.0.0.1:8088/hls/demo')).toBe('http://127.0.0.1:8088/hls/demo/');
    expect(ingestBase('http://127.0.0.1:8088/hls/demo/')).toBe('http://127.0.0.1:8088/hls/demo/');
    expect(ingestBase('http://127.0.0.1:8088/hls/demo/index.m3u8')).toBe('http://127.0.0.1:8088/hls/demo/');
  });
});
