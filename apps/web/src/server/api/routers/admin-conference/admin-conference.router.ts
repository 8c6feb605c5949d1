import {
  createConferenceInputSchema,
  playoutLatePolicyValues,
  updateConferenceInputSchema,
  type Conference,
} from '@stagecast/db';
import { type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, conferenceProcedure, protectedProcedure } from '../../trpc.js';

const conferenceViewSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  roomCount: z.number().int(),
  talkCount: z.number().int(),
});

const byId = z.object({ conferenceId: z.uuid() });

/** The public fields of a conference row (never the whole row: new columns must be opted in). */
function conferenceFields(c: Conference) {
  return { id: c.id, slug: c.slug, name: c.name, timeZone: c.timeZone, startsOn: c.startsOn, endsOn: c.endsOn };
}

/** Conferences as organizers see them: admins all, organizers their own. */
export const adminConferenceRouter = {
  list: protectedProcedure.output(z.object({ conferences: z.array(conferenceViewSchema) })).query(async ({ ctx }) => {
    const rows = await ctx.catalog.listConferences(ctx.user.isAdmin ? null : ctx.user.id);
    return {
      conferences: rows.map((c) => ({ ...conferenceFields(c), roomCount: c.roomCount, talkCount: c.talkCount })),
    };
  }),
  get: conferenceProcedure(byId, (input) => input.conferenceId)
    .output(
      conferenceViewSchema
        .omit({ roomCount: true, talkCount: true })
        .extend({ playoutLatePolicy: z.enum(playoutLatePolicyValues) }),
    )
    .query(async ({ ctx }) => {
      const c = await ctx.catalog.getConference(ctx.conferenceId);
      return { ...conferenceFields(c), playoutLatePolicy: c.playoutLatePolicy };
    }),
  create: adminProcedure
    .input(createConferenceInputSchema)
    .output(z.object({ id: z.string() }))
    .mutation(async ({ ctx, input }) => ({ id: (await ctx.conferenceWrites.create(input)).id })),
  update: conferenceProcedure(byId.extend({ changes: updateConferenceInputSchema }), (input) => input.conferenceId)
    .output(z.object({ id: z.string() }))
    .mutation(async ({ ctx, input }) => ({
      id: (await ctx.catalog.updateConference(ctx.conferenceId, input.changes)).id,
    })),
  delete: adminProcedure.input(byId).mutation(async ({ ctx, input }) => {
    await ctx.catalog.deleteConference(input.conferenceId);
    return { deleted: true as const };
  }),
} satisfies TRPCRouterRecord;
