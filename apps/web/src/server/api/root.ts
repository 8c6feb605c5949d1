import { createCallerFactory, createTRPCRouter } from './trpc.js';
import { conferenceRouter } from './routers/conference/conference.router.js';
import { healthRouter } from './routers/health/health.router.js';
import { adminConferenceRouter } from './routers/admin-conference/admin-conference.router.js';
import { apiTokenRouter } from './routers/api-token/api-token.router.js';
import { authRouter } from './routers/auth/auth.router.js';
import { liveRouter } from './routers/live/live.router.js';
import { roomRouter } from './routers/room/room.router.js';
import { scheduleImportRouter } from './routers/schedule-import/schedule-import.router.js';
import { talkRouter } from './routers/talk/talk.router.js';
import { userRouter } from './routers/user/user.router.js';
import { watchRouter } from './routers/watch/watch.router.js';

/** The API: every router, by domain. Other TS programs import `AppRouter` (type only) through src/trpc/client.ts. */
export const appRouter = createTRPCRouter({
  conference: conferenceRouter,
  health: healthRouter,
  auth: authRouter,
  apiToken: apiTokenRouter,
  user: userRouter,
  adminConference: adminConferenceRouter,
  room: roomRouter,
  talk: talkRouter,
  scheduleImport: scheduleImportRouter,
  live: liveRouter,
  watch: watchRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls without HTTP (server components, tests). */
export const createCaller = createCallerFactory(appRouter);
