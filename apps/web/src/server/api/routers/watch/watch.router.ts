import { type TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../../trpc.js';
import { roomHandler } from './room.handler.js';
import { roomInputSchema, roomOutputSchema } from './room.schema.js';

/** Public player pages (/watch/<slug>, /embed/<slug>). */
export const watchRouter = {
  room: publicProcedure
    .input(roomInputSchema)
    .output(roomOutputSchema)
    .query(({ ctx, input }) => roomHandler({ ctx, input })),
} satisfies TRPCRouterRecord;
