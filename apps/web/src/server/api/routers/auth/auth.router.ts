import { type TRPCRouterRecord } from '@trpc/server';
import { protectedProcedure, publicProcedure } from '../../trpc.js';
import { meHandler, signInHandler, signOutHandler } from './auth.handler.js';
import { meOutputSchema, signInInputSchema, signInOutputSchema } from './auth.schema.js';

export const authRouter = {
  /** Public by nature; guarded by the same-origin check and the login rate limit. */
  signIn: publicProcedure
    .input(signInInputSchema)
    .output(signInOutputSchema)
    .mutation(({ ctx, input }) => signInHandler({ ctx, input })),
  signOut: protectedProcedure.mutation(({ ctx }) => signOutHandler({ ctx })),
  me: publicProcedure.output(meOutputSchema).query(({ ctx }) => meHandler({ ctx })),
} satisfies TRPCRouterRecord;
