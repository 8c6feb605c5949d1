import type { ConferenceWithRoomsAndTalks } from '@stagecast/db';
import type { ConferenceContext } from './context.js';
import type { ListOutput } from './list.schema.js';
import { conferencePhase, featuredDay, groupDay } from './schedule-view.js';
import type { ConferenceSummary } from './views.schema.js';

export function summarize(conference: ConferenceWithRoomsAndTalks, now: Date): ConferenceSummary {
  return {
    slug: conference.slug,
    name: conference.name,
    timeZone: conference.timeZone,
    startsOn: conference.startsOn,
    endsOn: conference.endsOn,
    phase: conferencePhase(conference, now),
    talkCount: conference.talks.length,
    rooms: conference.rooms.map((room) => ({ slug: room.slug, name: room.name })),
  };
}

/** Every conference with its rooms and the talks of its featured day (today in the conference zone, if any). */
export async function listHandler({ ctx }: { ctx: ConferenceContext }): Promise<ListOutput> {
  const now = ctx.now();
  const rows = await ctx.conferences.listWithRoomsAndTalks();
  return {
    conferences: rows.map((conference) => {
      const featured = featuredDay(conference, now);
      return {
        ...summarize(conference, now),
        featured: featured
          ? { ...groupDay(conference, featured.date, now, { withLive: featured.isToday }), isToday: featured.isToday }
          : null,
      };
    }),
  };
}
