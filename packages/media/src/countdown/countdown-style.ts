/**
 * Countdown source inputs, validated with zod at the boundary: the style (resolution, colours, fonts, sizes, logo,
 * labels, beeps) and the target (next talk). Plain data only: callers compute the target from the schedule
 * (`@stagecast/schedule` roomStateAt); this package imports no internal package (architecture.md §3).
 */
import { z } from 'zod';

const hexColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'colour must be "#RRGGBB" (e.g. "#FFD166")')
  .transform((s) => s.toUpperCase());

/** IANA zone check without a dependency: Intl throws RangeError for unknown zones. */
const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'unknown time zone: use an IANA name such as "Europe/Berlin" or "UTC"' },
);

/** Font family names go into Pango markup attributes; keep them to plain names (Debian: fonts-dejavu-core). */
const fontFamily = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9 ,_-]+$/, 'font family must be a plain name such as "DejaVu Sans" (letters, digits, spaces)');

/** Sizes are percentages of the frame height (resolution-independent). */
const pct = (def: number, max = 60) => z.number().positive().max(max).default(def);

export const countdownLabelsSchema = z
  .object({
    next: z.string().max(80).default('Next'),
    startingNow: z.string().max(80).default('Starting now'),
    noTalk: z.string().max(80).default('No upcoming talk'),
    /** Shown before the wall clock, e.g. "Berlin". Empty = just the time. */
    clock: z.string().max(40).default(''),
  })
  .strict()
  .prefault({});

export const countdownLogoSchema = z
  .object({
    /** Absolute path of a PNG/JPEG/SVG file readable by gdk-pixbuf. */
    path: z
      .string()
      .min(1)
      .refine((p) => p.startsWith('/'), 'logo path must be absolute'),
    position: z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right']).default('top-left'),
    heightPct: pct(12, 50),
  })
  .strict();

export const countdownBeepsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Beep once per second during the last N seconds, and a long one at zero. */
    lastSeconds: z.number().int().min(1).max(60).default(10),
    frequencyHz: z.number().min(100).max(8000).default(880),
    durationMs: z.number().int().min(20).max(900).default(120),
    finalDurationMs: z.number().int().min(20).max(2000).default(600),
    /** Linear gain 0..1 of the beep. */
    volume: z.number().min(0).max(1).default(0.4),
  })
  .strict()
  .prefault({});

export const countdownStyleSchema = z
  .object({
    width: z.number().int().min(160).max(3840).multipleOf(2).default(1280),
    height: z.number().int().min(120).max(2160).multipleOf(2).default(720),
    fps: z.number().int().min(1).max(60).default(30),
    background: hexColor.default('#101820'),
    textColor: hexColor.default('#FFFFFF'),
    accentColor: hexColor.default('#FFD166'),
    mutedColor: hexColor.default('#A0AEC0'),
    fontFamily: fontFamily.default('DejaVu Sans'),
    /** Digits use a monospaced face so the line does not jitter as digits change. */
    digitsFontFamily: fontFamily.default('DejaVu Sans Mono'),
    countdownSizePct: pct(20),
    titleSizePct: pct(6.5),
    labelSizePct: pct(4.5),
    clockSizePct: pct(5),
    marginPct: pct(3, 20),
    outline: z.boolean().default(true),
    /** Titles/speaker lists longer than this are cut with "…" (the overlay never wraps: the layout stays fixed). */
    maxLineChars: z.number().int().min(8).max(200).default(60),
    timeZone: timeZone.default('UTC'),
    showClock: z.boolean().default(true),
    logo: countdownLogoSchema.optional(),
    labels: countdownLabelsSchema,
    beeps: countdownBeepsSchema,
  })
  .strict();

export type CountdownStyleInput = z.input<typeof countdownStyleSchema>;
export type CountdownStyle = z.output<typeof countdownStyleSchema>;
export type CountdownLabels = z.output<typeof countdownLabelsSchema>;

export const countdownTargetSchema = z
  .object({
    /** Start of the next talk: epoch milliseconds or an ISO 8601 instant with offset. */
    startsAt: z.union([
      z.number().int().nonnegative(),
      z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
    ]),
    title: z.string().max(500).default(''),
    speakers: z.array(z.string().max(200)).max(50).default([]),
  })
  .strict();

export type CountdownTargetInput = z.input<typeof countdownTargetSchema>;
/** `startsAt` is epoch milliseconds after parsing. */
export type CountdownTarget = z.output<typeof countdownTargetSchema>;

/** Pango markup size unit: 1/1024 pt. textoverlay (auto-resize=false) renders 1 pt = 4/3 px (96 dpi). */
export function pctToPangoSize(pctOfHeight: number, frameHeight: number): number {
  const px = (pctOfHeight / 100) * frameHeight;
  return Math.max(1024, Math.round(px * 0.75 * 1024));
}
