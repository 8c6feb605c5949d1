import { type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { conferenceProcedure } from '../../trpc.js';
import { updateRoomHandler } from './room.handler.js';
import { toRoomAdminView } from './room-view.js';
import { createRoomSchema, roomViewSchema, updateRoomSchema } from './room.schema.js';

const roomOf = (input: { roomId: string }, ctx: { catalog: { conferenceIdOfRoom(id: string): Promise<string> } }) =>
  ctx.catalog.conferenceIdOfRoom(input.roomId);

/** Rooms of a conference; credentials and stream keys are write-only (see room-view.ts). */
export const roomRouter = {
  list: conferenceProcedure(z.object({ conferenceId: z.uuid() }), (input) => input.conferenceId)
    .output(z.object({ rooms: z.array(roomViewSchema) }))
    .query(async ({ ctx }) => ({ rooms: (await ctx.catalog.listRooms(ctx.conferenceId)).map(toRoomAdminView) })),
  create: conferenceProcedure(createRoomSchema, (input) => input.conferenceId)
    .output(roomViewSchema)
    .mutation(async ({ ctx, input }) => {
      const jitsi = {
        ...(input.jitsi?.jwt ? { jwt: input.jitsi.jwt } : {}),
        ...(input.jitsi?.roomPassword ? { roomPassword: input.jitsi.roomPassword } : {}),
        ...(input.jitsi?.xmppDomain ? { xmppDomain: input.jitsi.xmppDomain } : {}),
      };
      const room = await ctx.roomRepo.create({
        conferenceId: input.conferenceId,
        slug: input.slug,
        name: input.name,
        meetingUrl: input.meetingUrl ?? null,
        jitsiCredentials: Object.keys(jitsi).length > 0 ? jitsi : null,
        broadcastOutputs: input.outputs,
      });
      return toRoomAdminView(room);
    }),
  update: conferenceProcedure(updateRoomSchema, roomOf)
    .output(roomViewSchema)
    .mutation(({ ctx, input }) => updateRoomHandler({ ctx, input })),
  delete: conferenceProcedure(z.object({ roomId: z.uuid() }), roomOf).mutation(async ({ ctx, input }) => {
    await ctx.catalog.deleteRoom(input.roomId);
    return { deleted: true as const };
  }),
} satisfies TRPCRouterRecord;
