import { type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { conferenceProcedure } from '../../trpc.js';
import {
  createTalkHandler,
  deleteTalkHandler,
  listTalksHandler,
  removeVideoHandler,
  updateTalkHandler,
} from './talk.handler.js';
import { createTalkSchema, talkViewSchema, updateTalkSchema } from './talk.schema.js';

const talkOf = (input: { talkId: string }, ctx: { catalog: { conferenceIdOfTalk(id: string): Promise<string> } }) =>
  ctx.catalog.conferenceIdOfTalk(input.talkId);
const byTalk = z.object({ talkId: z.uuid() });

export const talkRouter = {
  list: conferenceProcedure(z.object({ conferenceId: z.uuid() }), (input) => input.conferenceId)
    .output(z.object({ talks: z.array(talkViewSchema) }))
    .query(({ ctx }) => listTalksHandler({ ctx })),
  create: conferenceProcedure(createTalkSchema, (input) => input.conferenceId)
    .output(talkViewSchema)
    .mutation(({ ctx, input }) => createTalkHandler({ ctx, input })),
  update: conferenceProcedure(updateTalkSchema, talkOf)
    .output(talkViewSchema)
    .mutation(({ ctx, input }) => updateTalkHandler({ ctx, input })),
  delete: conferenceProcedure(byTalk, talkOf).mutation(({ ctx, input }) => deleteTalkHandler({ ctx, input })),
  removeVideo: conferenceProcedure(byTalk, talkOf).mutation(({ ctx, input }) => removeVideoHandler({ ctx, input })),
} satisfies TRPCRouterRecord;
