import { type TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../../trpc.js';
import { bySlugHandler } from './by-slug.handler.js';
import { bySlugInputSchema, bySlugOutputSchema } from './by-slug.schema.js';
import { listHandler } from './list.handler.js';
import { listOutputSchema } from './list.schema.js';

export const conferenceRouter = {
  list: publicProcedure.output(listOutputSchema).query(({ ctx }) => listHandler({ ctx })),
  bySlug: publicProcedure
    .input(bySlugInputSchema)
    .output(bySlugOutputSchema)
    .query(({ ctx, input }) => bySlugHandler({ ctx, input })),
} satisfies TRPCRouterRecord;
