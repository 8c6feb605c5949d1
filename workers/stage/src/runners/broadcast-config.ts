/**
 * Pure mapping from a room's database row (meeting URL, Jitsi credentials, `broadcast_outputs`) and the operator's
 * layout choice (`room_controls.layout`) to @stagecast/participant's startBroadcast options. No I/O, so every rule is
 * unit-tested: where the HLS segments go, which origin gets the PUTs, how stream keys travel, what each admin layout
 * shows.
 */
import { isAbsolute, join, normalize, relative, resolve } from 'node:path';
import type { BroadcastOutput, JitsiCredentials, StageLayout } from '@stagecast/db';
import type { BroadcastOutputs, MeetingOptions } from '@stagecast/participant';
import { StageError } from './types.js';

/** What the composite shows for an admin layout choice. */
export type CompositeChoice =
  | { kind: 'layout'; layout: { kind: 'auto' | 'speaker' | 'grid' | 'screen-share'; showNames: boolean } }
  | { kind: 'countdown' };

/**
 * The admin's layouts (packages/db stageLayoutValues) in the composite's vocabulary (packages/media
 * layoutKindSchema: grid | speaker | screen-share | single | slate, plus @stagecast/participant's `auto`):
 * - `auto`: follow the stage (@stagecast/participant auto-layout.ts): the playout participant's talk full frame while
 *   it plays (read from its presence in the room), otherwise screen-share when someone shares, else speaker (Q&A).
 * - `speaker`: dominant speaker large, the others in a strip (composite `speaker`).
 * - `grid`: everybody in an adaptive grid (composite `grid`).
 * - `side-by-side`: the shared screen with the speaker's camera beside it (composite `screen-share`; with nobody
 *   sharing the composite falls back to `speaker`, so the picture never goes empty).
 * - `countdown`: the full-frame countdown to the room's next talk over the slate (composite countdown overlay).
 */
export function compositeChoiceFor(layout: StageLayout): CompositeChoice {
  switch (layout) {
    case 'auto':
      return { kind: 'layout', layout: { kind: 'auto', showNames: true } };
    case 'speaker':
      return { kind: 'layout', layout: { kind: 'speaker', showNames: true } };
    case 'grid':
      return { kind: 'layout', layout: { kind: 'grid', showNames: true } };
    case 'side-by-side':
      return { kind: 'layout', layout: { kind: 'screen-share', showNames: true } };
    case 'countdown':
      return { kind: 'countdown' };
  }
}

export interface RoomBroadcastInput {
  slug: string;
  meetingUrl: string | null;
  jitsiCredentials: JitsiCredentials | null;
  broadcastOutputs: readonly BroadcastOutput[];
}

export interface ResolvedBroadcast {
  meeting: MeetingOptions;
  outputs: BroadcastOutputs;
  /** Local playlist path of the main HLS rendition (status rows, demo checks). */
  hlsPlaylist: string | null;
  /** Things the operator should know (ignored extra outputs). */
  warnings: string[];
}

/**
 * The local HLS directory of a room: `directory` from the output (relative to the worker's output root) or
 * `<room slug>/broadcast`. Anything that would leave the output root (absolute elsewhere, `..`) is refused: the
 * database must not be able to make a worker write arbitrary paths.
 */
export function hlsDirectory(outputRoot: string, slug: string, directory: string | undefined): string {
  const root = resolve(outputRoot);
  const wanted = directory
    ? resolve(root, isAbsolute(directory) ? directory : normalize(directory))
    : join(root, slug, 'broadcast');
  const rel = relative(root, wanted);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new StageError(
      'invalid-job',
      `the room's HLS directory '${directory}' is outside the worker's output root ${root}; use a path relative to STAGE_OUTPUT_DIR (or leave it empty for '${slug}/broadcast')`,
      true,
    );
  }
  return wanted;
}

/** SRT: the database stores `url` + optional `streamId`; srtsink takes one URI (streamid as a query parameter). */
function srtUri(url: string, streamId: string | undefined): string {
  if (!streamId) return url;
  return `${url}${url.includes('?') ? '&' : '?'}streamid=${encodeURIComponent(streamId)}`;
}

/** The origin base the playlists and segments are PUT below; a playlist URL given by mistake means its folder. */
export function ingestBase(url: string): string {
  return url.replace(/[^/]*\.m3u8$/, '').replace(/\/?$/, '/');
}

/** How a stage role joins the room's meeting: URL, display name, room password, JWT, XMPP domain override. */
export function meetingOptions(
  room: Pick<RoomBroadcastInput, 'slug' | 'meetingUrl' | 'jitsiCredentials'>,
  displayName: string,
): MeetingOptions {
  if (!room.meetingUrl) {
    throw new StageError(
      'invalid-job',
      `room '${room.slug}' has no meeting URL: set the room's Jitsi Meet URL in the admin app (Rooms → edit) and start the role again`,
      true,
    );
  }
  const credentials = room.jitsiCredentials ?? {};
  return {
    meetingUrl: room.meetingUrl,
    displayName,
    ...(credentials.roomPassword ? { roomPassword: credentials.roomPassword } : {}),
    ...(credentials.jwt ? { auth: { kind: 'jwt' as const, token: credentials.jwt } } : {}),
    ...(credentials.xmppDomain ? { overrides: { domain: credentials.xmppDomain } } : {}),
  };
}

/**
 * `attempt`: the job record's run number (2 after a takeover). Each run starts its HLS discontinuity sequence 1000 above
 * the previous run's, so players treat the new run's timestamps as new (room for 999 engine restarts inside a run).
 */
export function resolveBroadcast(room: RoomBroadcastInput, outputRoot: string, attempt = 1): ResolvedBroadcast {
  const meeting = meetingOptions(room, 'Stagecast broadcast');
  const warnings: string[] = [];
  const hlsOutputs = room.broadcastOutputs.filter((o) => o.kind === 'hls');
  if (hlsOutputs.length > 1) {
    warnings.push(
      `room '${room.slug}' lists ${hlsOutputs.length} HLS outputs; the broadcast writes the first one only`,
    );
  }
  const rtmp = room.broadcastOutputs.flatMap((o) =>
    o.kind === 'rtmp' ? [{ url: o.url, ...(o.streamKey ? { streamKey: o.streamKey } : {}) }] : [],
  );
  const srt = room.broadcastOutputs.flatMap((o) => (o.kind === 'srt' ? [{ uri: srtUri(o.url, o.streamId) }] : []));
  const first = hlsOutputs[0];
  // No HLS entry and nothing else either: still write local HLS, so the role has an output to show for itself.
  const wantHls = first !== undefined || (rtmp.length === 0 && srt.length === 0);
  const directory = wantHls ? hlsDirectory(outputRoot, room.slug, first?.directory) : null;
  const outputs: BroadcastOutputs = {
    ...(directory
      ? {
          hls: {
            directory,
            segmentSeconds: 2,
            discontinuitySequence: Math.max(0, attempt - 1) * 1000,
            ...(first?.ingestUrl ? { origin: { baseUrl: ingestBase(first.ingestUrl) } } : {}),
          },
        }
      : {}),
    rtmp,
    srt,
  };
  return { meeting, outputs, hlsPlaylist: directory ? join(directory, 'index.m3u8') : null, warnings };
}
