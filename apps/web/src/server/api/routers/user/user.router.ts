import { type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { hashPassword, maxPasswordLength, minPasswordLength } from '../../../auth/password.js';
import { generatePassword } from '../../../auth/tokens.js';
import { AuthError } from '../../../auth/errors.js';
import { adminProcedure } from '../../trpc.js';

const userViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  lastSignInAt: z.date().nullable(),
  conferences: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string() })),
});

const passwordSchema = z
  .string()
  .min(minPasswordLength, `use at least ${minPasswordLength} characters`)
  .max(maxPasswordLength);

const membershipInputSchema = z.object({ userId: z.uuid(), conferenceId: z.uuid() });

/** Accounts and per-conference organizer roles (admins only). */
export const userRouter = {
  list: adminProcedure.output(z.object({ users: z.array(userViewSchema) })).query(async ({ ctx }) => {
    const users = await ctx.userRepo.list();
    const memberships = await ctx.userRepo.listMemberships(users.map((u) => u.id));
    return {
      users: users.map((u) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        isAdmin: u.isAdmin,
        disabled: u.disabledAt !== null,
        lastSignInAt: u.lastSignInAt,
        conferences: memberships
          .filter((m) => m.userId === u.id)
          .map((m) => ({ id: m.conferenceId, slug: m.conferenceSlug, name: m.conferenceName })),
      })),
    };
  }),
  /** Creates an account; without a password one is generated and returned once (pass it on over a safe channel). */
  create: adminProcedure
    .input(
      z.object({
        email: z.email({ message: 'enter an e-mail address such as ada@example.org' }),
        name: z.string().trim().min(1, 'enter a name').max(200),
        password: passwordSchema.optional(),
        isAdmin: z.boolean().default(false),
        conferenceIds: z.array(z.uuid()).default([]),
      }),
    )
    .output(z.object({ id: z.string(), generatedPassword: z.string().nullable() }))
    .mutation(async ({ ctx, input }) => {
      const generated = input.password === undefined ? generatePassword() : null;
      const user = await ctx.userRepo.create({
        email: input.email,
        name: input.name,
        isAdmin: input.isAdmin,
        passwordHash: await hashPassword(input.password ?? generated ?? ''),
      });
      for (const conferenceId of input.conferenceIds) await ctx.userRepo.addMembership(user.id, conferenceId);
      ctx.log.info({ userId: user.id, by: ctx.user.id }, 'user created');
      return { id: user.id, generatedPassword: generated };
    }),
  update: adminProcedure
    .input(z.object({ id: z.uuid(), isAdmin: z.boolean().optional(), disabled: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id && (input.isAdmin === false || input.disabled === true)) {
        throw AuthError.forbidden('remove your own admin role or disable yourself (ask another admin)');
      }
      await ctx.userRepo.update(input.id, { isAdmin: input.isAdmin, disabled: input.disabled });
      if (input.disabled) await ctx.sessionRepo.deleteSessionsOfUser(input.id);
      return { updated: true as const };
    }),
  resetPassword: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .output(z.object({ generatedPassword: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const password = generatePassword();
      await ctx.userRepo.setPasswordHash(input.id, await hashPassword(password));
      await ctx.sessionRepo.deleteSessionsOfUser(input.id);
      return { generatedPassword: password };
    }),
  addMembership: adminProcedure.input(membershipInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.userRepo.addMembership(input.userId, input.conferenceId);
    return { added: true as const };
  }),
  removeMembership: adminProcedure.input(membershipInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.userRepo.removeMembership(input.userId, input.conferenceId);
    return { removed: true as const };
  }),
} satisfies TRPCRouterRecord;
