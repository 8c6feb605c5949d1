import { type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { conferenceProcedure } from '../../trpc.js';
import { playoutControlHandler, startHandler, statusHandler, stopHandler } from './live.handler.js';
import {
  layoutInputSchema,
  playoutCommandSchema,
  playoutControlInputSchema,
  startInputSchema,
  statusOutputSchema,
  stopInputSchema,
} from './live.schema.js';

const roomOf = (input: { roomId: string }, ctx: { catalog: { conferenceIdOfRoom(id: string): Promise<string> } }) =>
  ctx.catalog.conferenceIdOfRoom(input.roomId);

/**
 * Live control per room: start/stop the clock, broadcast and playout roles, switch the layout, control the running
 * playout (start now, pause, resume, skip, stop, restart), watch status.
 */
export const liveRouter = {
  status: conferenceProcedure(z.object({ conferenceId: z.uuid() }), (input) => input.conferenceId)
    .output(statusOutputSchema)
    .query(({ ctx }) => statusHandler({ ctx })),
  start: conferenceProcedure(startInputSchema, roomOf).mutation(({ ctx, input }) => startHandler({ ctx, input })),
  stop: conferenceProcedure(stopInputSchema, roomOf).mutation(({ ctx, input }) => stopHandler({ ctx, input })),
  setLayout: conferenceProcedure(layoutInputSchema, roomOf).mutation(async ({ ctx, input }) => {
    const row = await ctx.roomControls.setLayout(input.roomId, input.layout, ctx.user.id);
    return { layout: row.layout };
  }),
  playoutControl: conferenceProcedure(playoutControlInputSchema, roomOf)
    .output(playoutCommandSchema)
    .mutation(({ ctx, input }) => playoutControlHandler({ ctx, input })),
} satisfies TRPCRouterRecord;
