import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { AdminError } from '../../../admin/errors.js';
import type { Context } from '../../trpc.js';
import { toTalkAdminView } from './talk-view.js';
import type { CreateTalkSchema, UpdateTalkSchema } from './talk.schema.js';

async function assertRoomInConference(ctx: Context, roomId: string | null | undefined, conferenceId: string) {
  if (!roomId) return;
  const owner = await ctx.catalog.conferenceIdOfRoom(roomId).catch(() => null);
  if (owner !== conferenceId) throw new AdminError('invalid-request', 'the chosen room belongs to another conference');
}

export async function listTalksHandler({ ctx }: { ctx: Context & { conferenceId: string } }) {
  const talks = await ctx.talkRepo.listByConference(ctx.conferenceId);
  const videos = await ctx.talkVideos.listByTalkIds(talks.map((t) => t.id));
  const byTalk = new Map(videos.map((v) => [v.talkId, v]));
  return { talks: talks.map((talk) => toTalkAdminView(talk, byTalk.get(talk.id))) };
}

export async function createTalkHandler({ ctx, input }: { ctx: Context; input: CreateTalkSchema }) {
  await assertRoomInConference(ctx, input.roomId, input.conferenceId);
  const talk = await ctx.catalog.createTalk({
    conferenceId: input.conferenceId,
    roomId: input.roomId,
    // Talks created by hand get their own guid namespace, so a schedule import never matches them by accident.
    guid: `stagecast-manual-${randomUUID()}`,
    title: input.title,
    subtitle: input.subtitle ?? null,
    speakers: input.speakers.map((name) => ({ name })),
    startsAt: input.startsAt,
    durationSeconds: input.durationMinutes * 60,
    language: input.language ?? null,
    recordingOptOut: input.recordingOptOut,
  });
  return toTalkAdminView(talk, undefined);
}

export async function updateTalkHandler({
  ctx,
  input,
}: {
  ctx: Context & { conferenceId: string };
  input: UpdateTalkSchema;
}) {
  await assertRoomInConference(ctx, input.roomId, ctx.conferenceId);
  const talk = await ctx.catalog.updateTalk(input.talkId, {
    ...(input.roomId === undefined ? {} : { roomId: input.roomId }),
    ...(input.title === undefined ? {} : { title: input.title }),
    ...(input.subtitle === undefined ? {} : { subtitle: input.subtitle }),
    ...(input.speakers === undefined ? {} : { speakers: input.speakers.map((name) => ({ name })) }),
    ...(input.startsAt === undefined ? {} : { startsAt: input.startsAt }),
    ...(input.durationMinutes === undefined ? {} : { durationSeconds: input.durationMinutes * 60 }),
    ...(input.language === undefined ? {} : { language: input.language }),
    ...(input.recordingOptOut === undefined ? {} : { recordingOptOut: input.recordingOptOut }),
  });
  const [video] = await ctx.talkVideos.listByTalkIds([talk.id]);
  return toTalkAdminView(talk, video);
}

export async function deleteTalkHandler({ ctx, input }: { ctx: Context; input: { talkId: string } }) {
  const path = await ctx.talkVideos.remove(input.talkId);
  await ctx.catalog.deleteTalk(input.talkId);
  if (path) await rm(path, { force: true });
  return { deleted: true as const };
}

export async function removeVideoHandler({ ctx, input }: { ctx: Context; input: { talkId: string } }) {
  const path = await ctx.talkVideos.remove(input.talkId);
  if (path) await rm(path, { force: true });
  return { removed: path !== null };
}
