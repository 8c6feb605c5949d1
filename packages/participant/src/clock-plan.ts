/**
 * Pure decisions of the "Stagecast clock" participant (issue 6 "In the room"): which talk the countdown shows, which
 * chat reminders are due, what the room subject says and when to look again. Time in, data out; the composition in
 * clock.ts only acts on it. The room state itself comes from @stagecast/schedule (roomStateAt / nextTransitionAt), so
 * the clock agrees with the composite overlay and the public page.
 */
import { formatInZone, nextTransitionAt, roomStateAt } from '@stagecast/schedule';
import { z } from 'zod';

/** One talk of the clock's room, as plain data (map @stagecast/schedule's Talk with `clockTalkFromSchedule`). */
export const clockTalkSchema = z.object({
  guid: z.string().min(1),
  title: z.string().min(1),
  speakers: z.array(z.string()).default([]),
  /** Start instant, epoch ms. */
  startsAtMs: z.number().int().nonnegative(),
  durationSeconds: z.number().int().nonnegative(),
});
export type ClockTalkInput = z.input<typeof clockTalkSchema>;
export type ClockTalk = z.output<typeof clockTalkSchema>;

/** @stagecast/schedule's Talk (or anything shaped like it) → ClockTalk. */
export function clockTalkFromSchedule(t: {
  guid: string;
  title: string;
  speakers: readonly { name: string }[];
  start: { epochMs: number };
  durationSeconds: number;
}): ClockTalk {
  return {
    guid: t.guid,
    title: t.title,
    speakers: t.speakers.map((s) => s.name).filter((n) => n.length > 0),
    startsAtMs: t.start.epochMs,
    durationSeconds: t.durationSeconds,
  };
}

const timed = (t: ClockTalk) => ({ ...t, start: { epochMs: t.startsAtMs } });

/**
 * The talk the countdown counts down to at `nowMs`: the next talk (roomStateAt), except that a talk which started
 * less than `holdMs` ago stays the target so "Starting now" shows for a while before the next countdown begins.
 */
export function countdownTalkAt(talks: readonly ClockTalk[], nowMs: number, holdMs: number): ClockTalk | null {
  let held: ClockTalk | null = null;
  for (const t of talks) {
    if (t.startsAtMs <= nowMs && nowMs < t.startsAtMs + holdMs && (!held || t.startsAtMs > held.startsAtMs)) held = t;
  }
  if (held) return held;
  const state = roomStateAt(talks.map(timed), nowMs);
  return state.next ? (talks.find((t) => t.guid === state.next!.guid) ?? null) : null;
}

/** "5 minutes", "1 minute", "90 seconds", "2 hours". */
export function humanDuration(seconds: number): string {
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (seconds >= 3600 && seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds >= 60 && seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

export function reminderText(t: ClockTalk, secondsBefore: number): string {
  return `Next: ${t.title} starts in ${humanDuration(secondsBefore)}`;
}

export interface DueReminder {
  key: string;
  talk: ClockTalk;
  secondsBefore: number;
  text: string;
}

/**
 * Reminders due at `nowMs` that were not sent yet (`sent` holds their keys). A reminder is due from its instant
 * (start − secondsBefore) for `graceMs`, and never once the talk has started: a clock started late, or a JS stall,
 * must not announce "starts in 5 minutes" two minutes before the start.
 */
export function dueReminders(
  talks: readonly ClockTalk[],
  reminders: readonly number[],
  nowMs: number,
  sent: ReadonlySet<string>,
  graceMs = 30_000,
): DueReminder[] {
  const out: DueReminder[] = [];
  for (const t of talks) {
    if (t.startsAtMs <= nowMs) continue;
    for (const r of reminders) {
      const at = t.startsAtMs - r * 1000;
      const key = `${t.guid}@${r}`;
      if (sent.has(key) || nowMs < at || nowMs >= at + graceMs) continue;
      out.push({ key, talk: t, secondsBefore: r, text: reminderText(t, r) });
    }
  }
  return out.sort((a, b) => b.secondsBefore - a.secondsBefore);
}

/** Room subject for the next talk: "Next: <title> at 14:00" in the conference zone (with the date if not today). */
export function subjectText(talks: readonly ClockTalk[], nowMs: number, timeZone: string): string | null {
  const next = roomStateAt(talks.map(timed), nowMs).next;
  if (!next) return null;
  const at = formatInZone(next.start.epochMs, timeZone);
  const today = formatInZone(nowMs, timeZone).slice(0, 10);
  return `Next: ${next.title} at ${at.startsWith(today) ? at.slice(11) : at}`;
}

/**
 * When to look again: the next instant at which the target, the subject or a reminder can change (talk starts and
 * ends from nextTransitionAt, start + hold, reminder instants), capped at `maxSleepMs` so schedule updates from the
 * provider are picked up.
 */
export function nextWakeAt(
  talks: readonly ClockTalk[],
  reminders: readonly number[],
  nowMs: number,
  holdMs: number,
  maxSleepMs: number,
): number {
  let best = nowMs + maxSleepMs;
  const consider = (x: number | null) => {
    if (x !== null && x > nowMs && x < best) best = x;
  };
  consider(nextTransitionAt(talks.map(timed), nowMs));
  for (const t of talks) {
    consider(t.startsAtMs + holdMs);
    for (const r of reminders) consider(t.startsAtMs - r * 1000);
  }
  return best;
}
