import type { WatchContext } from './context.js';
import type { RoomInput, RoomOutput } from './room.schema.js';

/** Only http(s) playlists are handed to browsers (a file:// or javascript: URL in the database is not playable). */
function playableUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/** One room's public player data by its public slug; an unknown slug surfaces as DbError('not-found'). */
export async function roomHandler({ ctx, input }: { ctx: WatchContext; input: RoomInput }): Promise<RoomOutput> {
  const view = await ctx.publicRooms.getByPublicSlug(input.slug);
  return {
    room: { publicSlug: view.publicSlug, name: view.name },
    conference: view.conference,
    hlsUrl: playableUrl(view.hlsUrl),
    talks: view.talks.map((talk) => ({
      guid: talk.guid,
      title: talk.title,
      subtitle: talk.subtitle,
      speakers: talk.speakers.map((speaker) => speaker.name),
      startsAt: talk.startsAt,
      durationSeconds: talk.durationSeconds,
    })),
  };
}
