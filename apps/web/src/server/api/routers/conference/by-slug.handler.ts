import type { BySlugInput, BySlugOutput } from './by-slug.schema.js';
import type { ConferenceContext } from './context.js';
import { summarize } from './list.handler.js';
import { groupDay, talkDays } from './schedule-view.js';

/** One conference with its full schedule, day by day and room by room. A missing slug surfaces as DbError('not-found'). */
export async function bySlugHandler({
  ctx,
  input,
}: {
  ctx: ConferenceContext;
  input: BySlugInput;
}): Promise<BySlugOutput> {
  const now = ctx.now();
  const conference = await ctx.conferences.getBySlug(input.slug);
  return {
    ...summarize(conference, now),
    days: talkDays(conference).map((day) => groupDay(conference, day, now)),
  };
}
