/** BroadcastData over the repositories: the room's row (credentials, outputs), its layout choice, its next talk. */
import { createRoomControlsRepository, createRoomRepository, createTalkRepository, type Db } from '@stagecast/db';
import type { BroadcastData } from './broadcast.runner.js';

/** How far ahead the countdown layout looks for the room's next talk. */
const LOOKAHEAD_MS = 7 * 24 * 3600_000;

export function createBroadcastData(db: Db): BroadcastData {
  const rooms = createRoomRepository(db);
  const controls = createRoomControlsRepository(db);
  const talks = createTalkRepository(db);
  return {
    async room(roomId) {
      const r = await rooms.getById(roomId);
      return {
        slug: r.slug,
        name: r.name,
        meetingUrl: r.meetingUrl,
        jitsiCredentials: r.jitsiCredentials ?? null,
        broadcastOutputs: r.broadcastOutputs,
      };
    },
    async layout(roomId) {
      return (await controls.get(roomId))?.layout ?? null;
    },
    async nextTalk(roomId, afterMs) {
      const [next] = await talks.listByRoomBetween(roomId, new Date(afterMs + 1), new Date(afterMs + LOOKAHEAD_MS));
      return next
        ? { title: next.title, speakers: next.speakers.map((s) => s.name), startsAtMs: next.startsAt.getTime() }
        : null;
    },
  };
}
