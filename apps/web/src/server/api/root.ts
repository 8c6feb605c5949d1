import { createCallerFactory, createTRPCRouter } from './trpc.js';
import { conferenceRouter } from './routers/conference/conference.router.js';
import { healthRouter } from './routers/health/health.router.js';
import { watchRouter } from './routers/watch/watch.router.js';

/** The API: every router, by domain. Other TS programs import `AppRouter` (type only) through src/trpc/client.ts. */
export const appRouter = createTRPCRouter({
  conference: conferenceRouter,
  health: healthRouter,
  watch: watchRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls without HTTP (server components, tests). */
export const createCaller = createCallerFactory(appRouter);
