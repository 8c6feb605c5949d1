import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { createCaller } from '../../root.js';
import { berlinConference, createFakeContext } from '../../testing/fake-context.js';
import { bySlugHandler } from './by-slug.handler.js';

describe('conference.bySlug', () => {
  it('returns the schedule day by day, room by room, in the conference zone', async () => {
    const ctx = createFakeContext({ conferences: [berlinConference()] });
    const conference = await bySlugHandler({ ctx, input: { slug: 'congress' } });
    expect(conference.days.map((day) => day.date)).toEqual(['2025-12-27', '2025-12-28']);
    expect(conference.days[1]?.rooms[0]?.talks[0]).toMatchObject({
      title: 'After midnight',
      start: '00:30',
      end: '01:15',
    });
    expect(conference.days[1]?.unassigned.map((talk) => talk.title)).toEqual(['Room TBA']);
  });

  it('maps an unknown slug to NOT_FOUND with the repository message', async () => {
    const caller = createCaller(createFakeContext({ conferences: [berlinConference()] }));
    const error = await caller.conference.bySlug({ slug: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining("conference 'nope' does not exist"),
    });
  });

  it('rejects a malformed slug before touching the repository', async () => {
    const ctx = createFakeContext({ repositoryError: new Error('repository must not be called') });
    const error = await createCaller(ctx)
      .conference.bySlug({ slug: 'Not A Slug!' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect(String((error as Error).message)).toContain('slug must be lower-case letters');
  });
});
