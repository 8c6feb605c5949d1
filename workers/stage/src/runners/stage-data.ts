/**
 * The stage roles' database reads over the repositories: a room's row (meeting URL, credentials, outputs), its layout
 * choice, its upcoming talks, a talk's uploaded video, the conference's playout late-start policy; the playout's
 * organizer commands (claim, write the outcome).
 */
import {
  createCatalogAdminRepository,
  createRoomControlsRepository,
  createRoomRepository,
  createTalkRepository,
  type Db,
} from '@stagecast/db';
import type { BroadcastData, UpcomingTalk } from './broadcast.runner.js';
import type { PlayoutData } from './playout.runner.js';

/** How far ahead the countdown layout and the clock participant look for the room's talks. */
const LOOKAHEAD_MS = 7 * 24 * 3600_000;

export interface ClockData {
  room: BroadcastData['room'];
  /** The room's talks from `fromMs` on (guid, title, speakers, start, duration), earliest first. */
  talks(
    roomId: string,
    fromMs: number,
  ): Promise<{ guid: string; title: string; speakers: string[]; startsAtMs: number; durationSeconds: number }[]>;
}

export type StageData = BroadcastData & PlayoutData & ClockData;

export function createStageData(db: Db): StageData {
  const rooms = createRoomRepository(db);
  const controls = createRoomControlsRepository(db);
  const talks = createTalkRepository(db);
  const catalog = createCatalogAdminRepository(db);
  const roomTalks = async (roomId: string, fromMs: number) =>
    (await talks.listByRoomBetween(roomId, new Date(fromMs), new Date(fromMs + LOOKAHEAD_MS))).map((t) => ({
      guid: t.guid,
      title: t.title,
      speakers: t.speakers.map((s) => s.name),
      startsAtMs: t.startsAt.getTime(),
      durationSeconds: t.durationSeconds,
    }));
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
    async nextTalk(roomId, afterMs): Promise<UpcomingTalk | null> {
      const [next] = await roomTalks(roomId, afterMs + 1);
      return next ? { title: next.title, speakers: next.speakers, startsAtMs: next.startsAtMs } : null;
    },
    talks: roomTalks,
    async talk(talkId) {
      const t = await talks.getById(talkId);
      return { title: t.title, speakers: t.speakers.map((s) => s.name), videoFile: t.videoFile };
    },
    async latePolicy(roomId) {
      const room = await rooms.getById(roomId);
      return (await catalog.getConference(room.conferenceId)).playoutLatePolicy;
    },
    async claimCommands(input) {
      const rows = await controls.claimPlayoutCommands(input);
      return rows.map((r) => ({ seq: r.seq, action: r.action }));
    },
    async finishCommand(input) {
      await controls.finishPlayoutCommand(input);
    },
  };
}
