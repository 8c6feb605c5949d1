import type { PublicRoomView } from '@stagecast/db';
import { describe, expect, it } from 'vitest';
import { createCaller } from '../../root.js';
import { createFakeContext } from '../../testing/fake-context.js';

function stage(overrides: Partial<PublicRoomView> = {}): PublicRoomView {
  return {
    publicSlug: 'congress-saal-1',
    slug: 'saal-1',
    name: 'Saal 1',
    hlsUrl: 'https://cdn.example.org/saal-1/index.m3u8',
    conference: { slug: 'congress', name: 'Congress', timeZone: 'Europe/Berlin' },
    talks: [
      {
        id: '00000000-0000-4000-8000-000000000001',
        roomId: '00000000-0000-4000-8000-0000000000aa',
        guid: 'g1',
        title: 'Keynote',
        subtitle: null,
        speakers: [{ name: 'Ada', id: 'internal-speaker-id' }],
        startsAt: new Date('2025-12-27T10:00:00Z'),
        durationSeconds: 3600,
        language: 'en',
      },
    ],
    ...overrides,
  };
}

describe('watch.room', () => {
  it('returns the room, its conference, the playlist URL and talks with speaker names only', async () => {
    const caller = createCaller(createFakeContext({ publicRooms: [stage()] }));
    const result = await caller.watch.room({ slug: 'congress-saal-1' });
    expect(result).toEqual({
      room: { publicSlug: 'congress-saal-1', name: 'Saal 1' },
      conference: { slug: 'congress', name: 'Congress', timeZone: 'Europe/Berlin' },
      hlsUrl: 'https://cdn.example.org/saal-1/index.m3u8',
      talks: [
        {
          guid: 'g1',
          title: 'Keynote',
          subtitle: null,
          speakers: ['Ada'],
          startsAt: new Date('2025-12-27T10:00:00Z'),
          durationSeconds: 3600,
        },
      ],
    });
  });

  it('drops extra keys a repository might add and non-http playlist URLs', async () => {
    const leaky = { ...stage({ hlsUrl: 'file:///srv/hls/index.m3u8' }), streamKey: 'sk-leak', jwt: 'jwt-leak' };
    const result = await createCaller(createFakeContext({ publicRooms: [leaky] })).watch.room({
      slug: 'congress-saal-1',
    });
    expect(result.hlsUrl).toBeNull();
    expect(JSON.stringify(result)).not.toMatch(/leak|internal-speaker-id/);
  });

  it('maps an unknown slug to NOT_FOUND and a malformed one to BAD_REQUEST', async () => {
    const caller = createCaller(createFakeContext({ publicRooms: [stage()] }));
    await expect(caller.watch.room({ slug: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.watch.room({ slug: 'Bad Slug' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
