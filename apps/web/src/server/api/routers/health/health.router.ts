import { type TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../../trpc.js';
import { checkHandler } from './check.handler.js';
import { checkOutputSchema } from './check.schema.js';

export const healthRouter = {
  check: publicProcedure.output(checkOutputSchema).query(({ ctx }) => checkHandler({ ctx })),
} satisfies TRPCRouterRecord;
