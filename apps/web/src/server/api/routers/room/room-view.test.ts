import type { Room } from '@stagecast/db';
import { describe, expect, it } from 'vitest';
import { applySecret, stripUrlSecrets, toRoomAdminView } from './room-view.js';

const room = (patch: Partial<Room>): Room => ({
  id: 'r1',
  conferenceId: 'c1',
  slug: 'main',
  publicSlug: 'conf-main',
  name: 'Main',
  meetingUrl: null,
  jitsiCredentials: null,
  broadcastOutputs: [],
  createdAt: new Date(),
  updatedAt: new Date(),
  ...patch,
});

describe('toRoomAdminView', () => {
  it('says which secrets are set without sending any of them', () => {
    const view = toRoomAdminView(
      room({
        meetingUrl: 'https://user:pw@meet.example.org/main?jwt=TOPSECRET#config.x=1',
        jitsiCredentials: { jwt: 'JWT-SECRET', roomPassword: 'PW-SECRET', xmppDomain: 'meet.example.org' },
        broadcastOutputs: [
          { kind: 'rtmp', url: 'rtmp://a.example.org/live2/KEY-IN-PATH', streamKey: undefined },
          { kind: 'rtmp', url: 'rtmp://b.example.org/app', streamKey: 'KEY-SECRET' },
          { kind: 'srt', url: 'srt://c.example.org:9000?passphrase=SRT-SECRET' },
          { kind: 'hls', publicUrl: 'https://cdn.example.org/main/index.m3u8' },
        ],
      }),
    );
    expect(JSON.stringify(view)).not.toMatch(/SECRET|KEY-IN-PATH|pw@/);
    expect(view).toMatchObject({
      meetingUrl: 'https://meet.example.org/main',
      meetingUrlHadQuery: true,
      jitsi: { hasJwt: true, hasRoomPassword: true, xmppDomain: 'meet.example.org' },
    });
    expect(view.outputs).toEqual([
      { kind: 'rtmp', target: 'rtmp://a.example.org/live2', hasSecret: true },
      { kind: 'rtmp', target: 'rtmp://b.example.org/app', hasSecret: true },
      { kind: 'srt', target: 'srt://c.example.org:9000', hasSecret: true },
      { kind: 'hls', target: 'https://cdn.example.org/main/index.m3u8', hasSecret: false },
    ]);
  });

  it('strips userinfo, query and fragment from URLs', () => {
    expect(stripUrlSecrets('https://meet.example.org/a')).toEqual({
      url: 'https://meet.example.org/a',
      hadQuery: false,
    });
    expect(stripUrlSecrets('::')).toEqual({ url: '(invalid URL)', hadQuery: true });
  });

  it('treats secrets as write-only: undefined keeps, null/empty clears, a value replaces', () => {
    expect(applySecret('old', undefined)).toBe('old');
    expect(applySecret('old', null)).toBeUndefined();
    expect(applySecret('old', '')).toBeUndefined();
    expect(applySecret('old', 'new')).toBe('new');
  });
});
