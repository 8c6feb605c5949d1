import { type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc.js';
import {
  apiTokenViewSchema,
  createApiTokenInputSchema,
  createApiTokenOutputSchema,
  revokeApiTokenInputSchema,
} from './api-token.schema.js';

const toView = (t: z.infer<typeof apiTokenViewSchema>) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
  expiresAt: t.expiresAt,
  revokedAt: t.revokedAt,
});

/** The caller's own API tokens (scoped to the user: a token acts with its owner's roles). */
export const apiTokenRouter = {
  list: protectedProcedure
    .output(z.object({ tokens: z.array(apiTokenViewSchema) }))
    .query(async ({ ctx }) => ({ tokens: (await ctx.sessionRepo.listApiTokens(ctx.user.id)).map(toView) })),
  create: protectedProcedure
    .input(createApiTokenInputSchema)
    .output(createApiTokenOutputSchema)
    .mutation(async ({ ctx, input }) => {
      const expiresAt =
        input.expiresInDays === null ? null : new Date(ctx.now().getTime() + input.expiresInDays * 86_400_000);
      const { token, view } = await ctx.authService.createApiToken(ctx.user.id, input.name, expiresAt);
      ctx.log.info({ userId: ctx.user.id, tokenId: view.id }, 'API token created');
      return { token, view: toView(view) };
    }),
  revoke: protectedProcedure.input(revokeApiTokenInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.sessionRepo.revokeApiToken(ctx.user.id, input.id);
    return { revoked: true as const };
  }),
} satisfies TRPCRouterRecord;
