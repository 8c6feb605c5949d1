import type { Talk, TalkVideo } from '@stagecast/db';

export interface TalkVideoView {
  originalName: string;
  sizeBytes: number;
  durationMs: number;
  container: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  /** Video length against the slot: 'fits' within ±5 s or shorter, 'longer' when it would overrun. */
  slotFit: 'fits' | 'shorter' | 'longer';
  /** Video minus slot, in seconds (positive = overrun). */
  slotDeltaSeconds: number;
}

export interface TalkAdminView {
  id: string;
  guid: string;
  roomId: string | null;
  title: string;
  subtitle: string | null;
  speakers: string[];
  startsAt: Date;
  durationSeconds: number;
  language: string | null;
  recordingOptOut: boolean;
  video: TalkVideoView | null;
}

/** Tolerance when comparing a video with its slot (encoders round, schedules are in minutes). */
const slotToleranceSeconds = 5;

export function slotFit(
  videoMs: number,
  slotSeconds: number,
): { slotFit: TalkVideoView['slotFit']; slotDeltaSeconds: number } {
  const delta = Math.round(videoMs / 1000 - slotSeconds);
  if (delta > slotToleranceSeconds) return { slotFit: 'longer', slotDeltaSeconds: delta };
  if (delta < -slotToleranceSeconds) return { slotFit: 'shorter', slotDeltaSeconds: delta };
  return { slotFit: 'fits', slotDeltaSeconds: delta };
}

export function toTalkVideoView(video: TalkVideo, slotSeconds: number): TalkVideoView {
  return {
    originalName: video.originalName,
    sizeBytes: video.sizeBytes,
    durationMs: video.durationMs,
    container: video.container,
    videoCodec: video.videoCodec,
    audioCodec: video.audioCodec,
    width: video.width,
    height: video.height,
    ...slotFit(video.durationMs, slotSeconds),
  };
}

export function toTalkAdminView(talk: Talk, video: TalkVideo | undefined): TalkAdminView {
  return {
    id: talk.id,
    guid: talk.guid,
    roomId: talk.roomId,
    title: talk.title,
    subtitle: talk.subtitle,
    speakers: talk.speakers.map((s) => s.name),
    startsAt: talk.startsAt,
    durationSeconds: talk.durationSeconds,
    language: talk.language,
    recordingOptOut: talk.recordingOptOut,
    video: video ? toTalkVideoView(video, talk.durationSeconds) : null,
  };
}
