import type { BroadcastOutput, JitsiCredentials, Room } from '@stagecast/db';

/**
 * What the admin UI sees of a room. Secrets (JWT, room password, stream keys, SRT stream ids, credentials or query
 * strings inside URLs) are write-only: the view says whether they are set, never what they are.
 */
export interface RoomAdminView {
  id: string;
  slug: string;
  publicSlug: string;
  name: string;
  /** Meeting URL without its query/fragment (a `?jwt=` there would be a secret). */
  meetingUrl: string | null;
  meetingUrlHadQuery: boolean;
  jitsi: { hasJwt: boolean; hasRoomPassword: boolean; xmppDomain: string | null };
  outputs: { kind: BroadcastOutput['kind']; target: string; hasSecret: boolean }[];
}

/** scheme://host[:port]/path without userinfo, query or fragment. */
export function stripUrlSecrets(raw: string): { url: string; hadQuery: boolean } {
  try {
    const url = new URL(raw);
    const hadQuery = url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '';
    return { url: `${url.protocol}//${url.host}${url.pathname}`, hadQuery };
  } catch {
    return { url: '(invalid URL)', hadQuery: true };
  }
}

function outputTarget(output: BroadcastOutput): { target: string; hasSecret: boolean } {
  switch (output.kind) {
    case 'hls':
      return { target: output.publicUrl ?? output.directory ?? '(default HLS directory)', hasSecret: false };
    case 'rtmp': {
      // Some CDNs put the key in the path (rtmp://host/app/<key>): show only scheme, host and the first segment.
      const url = stripUrlSecrets(output.url);
      const firstSegment = url.url.replace(/^(rtmps?:\/\/[^/]+\/[^/]*).*$/, '$1');
      return { target: firstSegment, hasSecret: output.streamKey !== undefined || firstSegment !== url.url };
    }
    case 'srt': {
      const url = stripUrlSecrets(output.url);
      return { target: url.url, hasSecret: output.streamId !== undefined || url.hadQuery };
    }
  }
}

export function toRoomAdminView(room: Room): RoomAdminView {
  const credentials: JitsiCredentials = room.jitsiCredentials ?? {};
  const meeting = room.meetingUrl ? stripUrlSecrets(room.meetingUrl) : null;
  return {
    id: room.id,
    slug: room.slug,
    publicSlug: room.publicSlug,
    name: room.name,
    meetingUrl: meeting?.url ?? null,
    meetingUrlHadQuery: meeting?.hadQuery ?? false,
    jitsi: {
      hasJwt: credentials.jwt !== undefined,
      hasRoomPassword: credentials.roomPassword !== undefined,
      xmppDomain: credentials.xmppDomain ?? null,
    },
    outputs: room.broadcastOutputs.map((output) => ({ kind: output.kind, ...outputTarget(output) })),
  };
}

/** A write-only secret: `undefined` keeps the stored value, `null` clears it, a string replaces it. */
export function applySecret(current: string | undefined, next: string | null | undefined): string | undefined {
  if (next === undefined) return current;
  if (next === null || next === '') return undefined;
  return next;
}
