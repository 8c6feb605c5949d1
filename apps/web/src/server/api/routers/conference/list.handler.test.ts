import { describe, expect, it } from 'vitest';
import { createCaller } from '../../root.js';
import { berlinConference, createFakeContext } from '../../testing/fake-context.js';
import { listHandler } from './list.handler.js';

describe('conference.list', () => {
  it('returns each conference with its rooms and the talks of today in the conference zone', async () => {
    const ctx = createFakeContext({ conferences: [berlinConference()], now: new Date('2025-12-27T10:30:00Z') });
    const { conferences } = await listHandler({ ctx });
    expect(conferences).toHaveLength(1);
    const [conference] = conferences;
    expect(conference).toMatchObject({ slug: 'congress', phase: 'live', talkCount: 4, timeZone: 'Europe/Berlin' });
    expect(conference?.rooms).toEqual([
      { slug: 'saal-1', name: 'Saal 1' },
      { slug: 'saal-2', name: 'Saal 2' },
    ]);
    expect(conference?.featured?.isToday).toBe(true);
    expect(conference?.featured?.date).toBe('2025-12-27');
    expect(conference?.featured?.rooms.flatMap((room) => room.talks.map((talk) => talk.title))).toEqual([
      'Morning keynote',
      'Afternoon',
    ]);
  });

  it('shows the next day with talks when there are none today, and null without talks', async () => {
    const ctx = createFakeContext({
      conferences: [berlinConference(), { ...berlinConference(), id: 'c2', slug: 'empty', name: 'Empty', talks: [] }],
      now: new Date('2025-12-01T12:00:00Z'),
    });
    const { conferences } = await listHandler({ ctx });
    expect(conferences[0]?.phase).toBe('upcoming');
    expect(conferences[0]?.featured).toMatchObject({
      date: '2025-12-27',
      isToday: false,
      label: 'Saturday, 27 December 2025',
    });
    expect(conferences[1]?.featured).toBeNull();
  });

  it('validates its output and survives the superjson round trip through the router', async () => {
    const caller = createCaller(createFakeContext({ conferences: [berlinConference()] }));
    const result = await caller.conference.list();
    expect(result.conferences[0]?.featured?.rooms[0]?.talks[0]?.startsAt).toBeInstanceOf(Date);
  });
});
