import type { BroadcastOutput, JitsiCredentials } from '@stagecast/db';
import { AdminError } from '../../../admin/errors.js';
import type { Context } from '../../trpc.js';
import { applySecret, toRoomAdminView } from './room-view.js';
import type { UpdateRoomSchema } from './room.schema.js';

function mergeCredentials(
  current: JitsiCredentials | null,
  input: UpdateRoomSchema['jitsi'],
): JitsiCredentials | null | undefined {
  if (input === undefined) return undefined;
  const next: JitsiCredentials = {};
  const jwt = applySecret(current?.jwt, input.jwt);
  const roomPassword = applySecret(current?.roomPassword, input.roomPassword);
  const xmppDomain = input.xmppDomain === undefined ? current?.xmppDomain : input.xmppDomain || undefined;
  if (jwt !== undefined) next.jwt = jwt;
  if (roomPassword !== undefined) next.roomPassword = roomPassword;
  if (xmppDomain !== undefined) next.xmppDomain = xmppDomain;
  return Object.keys(next).length === 0 ? null : next;
}

export async function updateRoomHandler({ ctx, input }: { ctx: Context; input: UpdateRoomSchema }) {
  const current = await ctx.roomRepo.getById(input.roomId);
  let outputs: BroadcastOutput[] | undefined;
  if (input.outputs !== undefined) {
    outputs = input.outputs.map((entry) => {
      if ('keepIndex' in entry) {
        const kept = current.broadcastOutputs[entry.keepIndex];
        if (!kept)
          throw new AdminError('invalid-request', `output #${entry.keepIndex} does not exist; reload the page`);
        return kept;
      }
      return entry;
    });
  }
  const updated = await ctx.roomRepo.update(input.roomId, {
    ...(input.slug === undefined ? {} : { slug: input.slug }),
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.meetingUrl === undefined ? {} : { meetingUrl: input.meetingUrl }),
    ...(input.jitsi === undefined ? {} : { jitsiCredentials: mergeCredentials(current.jitsiCredentials, input.jitsi) }),
    ...(outputs === undefined ? {} : { broadcastOutputs: outputs }),
  });
  return toRoomAdminView(updated);
}
