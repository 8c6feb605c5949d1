/**
 * tRPC setup (1 of 3 files: trpc.ts → root.ts → routers/*): the request context, the error formatter and the
 * procedure builders. Domain errors are mapped to TRPCError here, in one middleware, and nowhere else.
 */
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { AdminContext } from '../admin/context.js';
import type { AuthState } from '../auth/auth-service.js';
import type { AuthContext } from '../auth/context.js';
import { AuthError } from '../auth/errors.js';
import { sameOriginProblem } from '../auth/request.js';
import { safeEqual } from '../auth/tokens.js';
import type { Logger } from '../lib/logger.js';
import { toTRPCError } from './errors.js';
import type { ConferenceContext } from './routers/conference/context.js';
import type { HealthContext } from './routers/health/context.js';
import type { WatchContext } from './routers/watch/context.js';

/** Everything a procedure may use. Built per request by `createContext` (server/runtime.ts) or by tests. */
export interface Context extends ConferenceContext, HealthContext, WatchContext, AuthContext, AdminContext {
  log: Logger;
}

/**
 * Procedure metadata. `access` documents who may call a procedure; the security tests check every mutation against it.
 */
export interface Meta {
  access?: 'public' | 'signed-in' | 'conference' | 'admin';
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      return {
        ...shape,
        data: { ...shape.data, zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps domain errors (DbError, AuthError, …) to TRPCError and logs failures once, with the procedure path. */
const domainErrors = t.middleware(async ({ ctx, next, path, type }) => {
  const result = await next();
  if (result.ok) return result;
  const original = result.error.cause ?? result.error;
  // Input validation failures are already well-formed BAD_REQUEST errors.
  if (result.error.code === 'BAD_REQUEST' && original instanceof ZodError) return result;
  const mapped = toTRPCError(result.error.code === 'INTERNAL_SERVER_ERROR' ? original : result.error);
  if (mapped.code === 'INTERNAL_SERVER_ERROR' || mapped.code === 'SERVICE_UNAVAILABLE') {
    ctx.log.error({ err: original, path, type, code: mapped.code }, `tRPC ${type} ${path} failed: ${mapped.code}`);
  } else {
    // Caller mistakes (unknown slug, conflict, refused access): one line, no stack.
    ctx.log.info(
      { path, type, code: mapped.code, reason: mapped.message },
      `tRPC ${type} ${path} refused: ${mapped.code}`,
    );
  }
  throw mapped;
});

/** Procedures anyone may call (public pages, health, sign-in). */
export const publicProcedure = t.procedure.use(domainErrors).meta({ access: 'public' });

/**
 * Cookie-authenticated mutations must come from our own pages: same Origin (or Referer) and the session's CSRF token
 * in the x-csrf-token header. Bearer-token callers send no ambient credentials, so neither check applies to them.
 */
export function assertCsrf(ctx: Pick<Context, 'request'>, auth: AuthState): void {
  if (auth.kind !== 'session') return;
  const problem = sameOriginProblem(ctx.request.headers, ctx.request.allowedOrigins);
  if (problem) throw AuthError.csrf(problem);
  if (ctx.request.csrfHeader === null || !safeEqual(ctx.request.csrfHeader, auth.csrfToken)) {
    throw AuthError.csrf('the x-csrf-token header is missing or does not match your session');
  }
}

/** Any signed-in user (session cookie or API token). Adds `ctx.user` and `ctx.auth`. */
export const protectedProcedure = publicProcedure.meta({ access: 'signed-in' }).use(async ({ ctx, type, next }) => {
  const auth = await ctx.getAuth();
  if (auth.kind === 'anonymous') throw AuthError.unauthenticated();
  if (type === 'mutation') assertCsrf(ctx, auth);
  return next({ ctx: { auth, user: auth.user } });
});

/** Admins only. */
export const adminProcedure = protectedProcedure.meta({ access: 'admin' }).use(async ({ ctx, next }) => {
  if (!ctx.user.isAdmin) throw AuthError.forbidden('do this (admins only)');
  return next();
});

/**
 * Admins, or organizers of the conference the input refers to. `conferenceIdFrom` resolves it (directly from the input,
 * or through a room or talk id); the resolved id is in `ctx.conferenceId`. An unknown room/talk id answers NOT_FOUND
 * only to callers who could see it, so ids cannot be probed across conferences.
 */
export function conferenceProcedure<S extends z.ZodType>(
  input: S,
  conferenceIdFrom: (input: z.output<S>, ctx: Context) => string | Promise<string>,
) {
  return protectedProcedure
    .meta({ access: 'conference' })
    .input(input)
    .use(async ({ ctx, input: parsed, next }) => {
      let conferenceId: string;
      try {
        conferenceId = await conferenceIdFrom(parsed as z.output<S>, ctx);
      } catch (error: unknown) {
        if (!ctx.user.isAdmin) throw AuthError.forbidden('work on this conference');
        throw error;
      }
      if (!ctx.user.isAdmin && !(await ctx.userRepo.isMember(ctx.user.id, conferenceId))) {
        throw AuthError.forbidden('work on this conference');
      }
      return next({ ctx: { conferenceId } });
    });
}
