/**
 * tRPC setup (1 of 3 files: trpc.ts → root.ts → routers/*): the request context, the error formatter and the
 * procedure builders. Domain errors are mapped to TRPCError here, in one middleware, and nowhere else.
 */
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Logger } from '../lib/logger.js';
import { toTRPCError } from './errors.js';
import type { ConferenceContext } from './routers/conference/context.js';
import type { HealthContext } from './routers/health/context.js';
import type { WatchContext } from './routers/watch/context.js';

/** Everything a procedure may use. Built per request by `createContext` (server/context.ts) or by tests. */
export interface Context extends ConferenceContext, HealthContext, WatchContext {
  log: Logger;
}

const t = initTRPC.context<Context>().create({
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

/** Maps domain errors (DbError, …) to TRPCError and logs failures once, with the procedure path. */
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
    // Caller mistakes (unknown slug, conflict): one line, no stack.
    ctx.log.info(
      { path, type, code: mapped.code, reason: mapped.message },
      `tRPC ${type} ${path} refused: ${mapped.code}`,
    );
  }
  throw mapped;
});

/** Procedures anyone may call (public pages, health). Authenticated procedures arrive with organizer sign-in. */
export const publicProcedure = t.procedure.use(domainErrors);
