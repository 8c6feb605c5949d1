/**
 * Scheduled playout (issue 8) inputs, validated with zod at the boundary. Plain data: the caller (stage worker, CLI)
 * computes the talk's start from the schedule; this package imports no internal package (architecture.md §3).
 *
 * Time base: `startsAt` is a wall-clock instant. The engine runs the session pipeline on a REALTIME system clock (the
 * countdown's clock, countdown/README.md), so wall time T maps to running time T − base_time exactly.
 */
import { z } from 'zod';
import { countdownStyleSchema } from '../countdown/countdown-style.js';

const hexColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'colour must be "#RRGGBB" (e.g. "#3A1F5D")')
  .transform((s) => s.toUpperCase());

/** Epoch ms or an ISO 8601 instant with offset → epoch ms. */
export const instantSchema = z.union([
  z.number().int().nonnegative(),
  z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 instant with offset, e.g. 2026-11-21T14:00:00+01:00' })
    .transform((s) => Date.parse(s)),
]);

/** What the room sees when the talk is over (or skipped). */
export const playoutAfterSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slate'), text: z.string().max(200).default('Q&A') }).strict(),
  /** Count down to the next talk (same countdown bin, new target). */
  z
    .object({
      kind: z.literal('countdown'),
      startsAt: instantSchema,
      title: z.string().max(500).default(''),
      speakers: z.array(z.string().max(200)).max(50).default([]),
    })
    .strict(),
  /** Black video (pair with muteVideoAfterEnd so the live speaker takes over). */
  z.object({ kind: z.literal('black') }).strict(),
]);
export type PlayoutAfter = z.output<typeof playoutAfterSchema>;

export const playoutSlateSchema = z
  .object({
    background: hexColor.default('#3A1F5D'),
    textColor: hexColor.default('#FFFFFF'),
    fontFamily: z
      .string()
      .regex(/^[A-Za-z0-9 ,_-]{1,100}$/, 'font family must be a plain name such as "DejaVu Sans"')
      .default('DejaVu Sans'),
    /** Text height in % of the frame height. */
    sizePct: z.number().positive().max(40).default(10),
    pausedText: z.string().max(200).default('Paused'),
    stoppedText: z.string().max(200).default('Stopped'),
    errorText: z.string().max(200).default('We will be right back'),
  })
  .strict()
  .prefault({});

/**
 * Restored control state (a session rebuilt after an engine restart or a bridge re-invite continues where the
 * organiser left it instead of re-applying the schedule).
 */
export const playoutHoldSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('paused'), positionMs: z.number().int().nonnegative() }).strict(),
  z.object({ state: z.literal('ended') }).strict(),
  z.object({ state: z.literal('stopped') }).strict(),
]);
export type PlayoutHold = z.output<typeof playoutHoldSchema>;

export const latePolicySchema = z.enum(['from-start', 'join-in']);
export type LatePolicy = z.output<typeof latePolicySchema>;

/**
 * How the talk's video reaches the room. `transcode`: decoded, composited, re-encoded (any file). `passthrough`: the
 * file's own encoded frames are spliced into the payloader (no decode/encode during the talk); needs the session's
 * negotiated codec (VP8, or constrained-baseline/baseline H.264). `auto`: passthrough when the file matches the
 * session (codec, profile, width × height) and the talk starts from position 0, otherwise transcode.
 */
export const playoutModeSchema = z.enum(['auto', 'passthrough', 'transcode']);
export type PlayoutMode = z.output<typeof playoutModeSchema>;

export const playoutSourceSchema = z
  .object({
    kind: z.literal('playout'),
    /** The talk: absolute path or URI uridecodebin3 can open. */
    location: z.string().min(1),
    /** T: the wall-clock instant at which the talk's first frame (position 0) is shown. */
    startsAt: instantSchema,
    /**
     * Job started after T (worker replaced, machine late): `from-start` plays from the beginning now; `join-in` seeks
     * to the offset the schedule implies, so the talk ends when the schedule says.
     */
    latePolicy: latePolicySchema.default('from-start'),
    /** Passthrough or transcode of the talk's video (playoutModeSchema); the choice is reported (playoutModeChosen). */
    mode: playoutModeSchema.default('auto'),
    /** Lead used when a start is decided late (start now, resume, restart, late start): time to open and preroll. */
    startMarginMs: z.number().int().min(300).max(30_000).default(2000),
    /** The file is opened and prerolled this long before T (earlier jobs just count down until then). */
    openAheadMs: z.number().int().min(1000).max(3_600_000).default(300_000),
    width: z.number().int().min(160).max(3840).multipleOf(2).default(1280),
    height: z.number().int().min(120).max(2160).multipleOf(2).default(720),
    fps: z.number().int().min(1).max(60).default(30),
    /** Publish the file's audio (mixed with silence, so the audio track runs from the start). */
    audio: z.boolean().default(true),
    countdown: z
      .object({
        title: z.string().max(500).default(''),
        speakers: z.array(z.string().max(200)).max(50).default([]),
        /** Countdown style (issue 6) without size and rate: those are the playout's. */
        style: countdownStyleSchema.omit({ width: true, height: true, fps: true }).prefault({}),
      })
      .strict()
      .prefault({}),
    after: playoutAfterSchema.default({ kind: 'slate', text: 'Q&A' }),
    slate: playoutSlateSchema,
    /** Participant level: after the talk, mute our video (SourceInfo muted, black) so the live speaker takes over. */
    muteVideoAfterEnd: z.boolean().default(false),
    hold: playoutHoldSchema.optional(),
  })
  .strict();
export type PlayoutSourceInput = z.input<typeof playoutSourceSchema>;
export type PlayoutSource = z.output<typeof playoutSourceSchema>;

export const playoutStateSchema = z.enum(['scheduled', 'playing', 'paused', 'ended', 'stopped', 'failed']);
export type PlayoutState = z.output<typeof playoutStateSchema>;

export const playoutActionSchema = z.enum(['startNow', 'pause', 'resume', 'skip', 'stop', 'restart']);
export type PlayoutAction = z.output<typeof playoutActionSchema>;

export const playoutStatusSchema = z.object({
  sid: z.string(),
  state: playoutStateSchema,
  /** Media position now (ms), null when nothing is playing or prerolled. */
  positionMs: z.number().nullable(),
  durationMs: z.number().nullable(),
  /** Wall time (epoch ms) at which the current/next branch shows its first frame; null when none is scheduled. */
  switchAtMs: z.number().nullable(),
  /** Media position (ms) of that first frame. */
  switchPositionMs: z.number().nullable(),
  /** Wall time at which position 0 is (or was) shown: the effective talk start (startsAt unless moved). */
  effectiveStartMs: z.number().nullable(),
});
export type PlayoutStatus = z.output<typeof playoutStatusSchema>;

/** Why the playout plays a talk branch the way it does (engine event `playoutModeChosen`, also logged). */
export const playoutModeChosenSchema = z.object({
  requested: playoutModeSchema,
  mode: z.enum(['passthrough', 'transcode']),
  /** Machine-readable cause, e.g. `codec-match`, `codec-mismatch`, `seek`, `requested`, `size-mismatch`. */
  reason: z.string(),
  /** The talk's video caps as opened (e.g. `video/x-vp8`), null when unknown. */
  fileCodec: z.string().nullable(),
  /** The session's negotiated video codec (null: the playout has no encoded path to splice into). */
  sessionCodec: z.enum(['vp8', 'h264']).nullable(),
  message: z.string(),
});
export type PlayoutModeChosen = z.output<typeof playoutModeChosenSchema>;

export const playoutAlertReasonSchema = z.enum([
  'file-error',
  'file-ended-early',
  'countdown-failed',
  'preroll-late',
  'passthrough-unavailable',
]);
export type PlayoutAlertReason = z.output<typeof playoutAlertReasonSchema>;
