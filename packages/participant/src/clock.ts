/**
 * The "Stagecast clock" participant (issue 6 "In the room"): joins a meeting as "Stagecast clock" and publishes the
 * frame-accurate countdown (@stagecast/media kind `countdown`, optional beeps in the last 10 s) as its camera, so
 * everyone in the meeting sees the same frame; moves the target at each schedule transition (keeping a talk that just
 * started a little longer so "Starting now" shows), posts chat reminders (e.g. T−5 min, T−1 min) and, when we are
 * moderator, sets the room subject ("Next: <title> at 14:00" in the conference time zone).
 *
 * Schedule data comes from a provider callback (plain data, re-read at every wake-up, so an updated import is picked
 * up); time is the host's wall clock (NTP-disciplined, the same clock the countdown's pipeline runs on).
 */
import { ConferenceError, silentLogger, type Logger } from '@stagecast/jitsi';
import type { CountdownStyleInput, CountdownTargetInput, VideoCodec } from '@stagecast/media';
import { z } from 'zod';
import {
  clockTalkSchema,
  countdownTalkAt,
  dueReminders,
  nextWakeAt,
  subjectText,
  type ClockTalk,
  type ClockTalkInput,
} from './clock-plan.js';
import { ParticipantError } from './errors.js';
import { TypedEmitter } from './events.js';
import {
  startParticipant,
  type MeetingOptions,
  type ParticipantHandle,
  type StartParticipantOptions,
} from './participant.js';

export const CLOCK_NICK = 'Stagecast clock';

const optionsSchema = z.object({
  reminders: z
    .array(z.number().int().positive().max(86_400))
    .max(20)
    .default([300, 60])
    .transform((r) => [...new Set(r)].sort((a, b) => b - a)),
  subject: z.boolean().default(false),
  beeps: z.boolean().default(false),
  /** IANA zone of the conference, for the subject's "at 14:00" (default: the style's timeZone, else UTC). */
  timeZone: z.string().min(1).optional(),
  /** How long a started talk stays the target ("Starting now") before the next countdown (default 60 s). */
  startingNowHoldMs: z.number().int().nonnegative().max(3_600_000).default(60_000),
  /** Longest sleep between schedule re-reads (default 30 s). */
  refreshMs: z.number().int().min(100).max(600_000).default(30_000),
});

export interface StartClockOptions {
  /** Where to join; displayName defaults to "Stagecast clock". */
  meeting: MeetingOptions;
  /** The room's talks, re-read at each wake-up (plain data: compute it from @stagecast/schedule). */
  schedule: () => readonly ClockTalkInput[] | Promise<readonly ClockTalkInput[]>;
  /** Countdown look (size, colours, fonts, labels, time zone, …); `beeps` below switches the beeps on. */
  style?: CountdownStyleInput;
  /** Chat reminders, in seconds before each talk (default [300, 60]). */
  reminders?: number[];
  /** Set the room subject to the next talk when we are moderator (default false). */
  subject?: boolean;
  /** Short beeps in the last 10 s and a long one at zero (published as our audio). */
  beeps?: boolean;
  timeZone?: string;
  startingNowHoldMs?: number;
  refreshMs?: number;
  videoCodec?: VideoCodec;
  engine?: StartParticipantOptions['engine'];
  logger?: Logger;
  signal?: AbortSignal;
  /** Wall clock (tests); default Date.now. The countdown itself always renders from the system clock. */
  now?: () => number;
}

export type ClockHandleEvents = {
  /** The countdown now counts down to this talk (null: no upcoming talk). */
  targetChanged: [ClockTalk | null];
  reminderSent: [{ talk: ClockTalk; secondsBefore: number; text: string }];
  subjectSet: [subject: string];
  /** We are not moderator: the subject is left alone (logged once). */
  subjectRefused: [ConferenceError];
  /** The schedule provider failed; the previous talks stay in use. */
  scheduleFailed: [Error];
};

function toTarget(t: ClockTalk | null): CountdownTargetInput | null {
  return t ? { startsAt: t.startsAtMs, title: t.title, speakers: t.speakers } : null;
}

export class ClockHandle extends TypedEmitter<ClockHandleEvents> {
  readonly participant: ParticipantHandle;
  readonly #o: z.output<typeof optionsSchema>;
  readonly #schedule: StartClockOptions['schedule'];
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #timeZone: string;
  #talks: ClockTalk[];
  #target: ClockTalk | null;
  #sid: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #subject: string | null = null;
  #subjectRefusedLogged = false;
  readonly #sent = new Set<string>();
  #closed = false;
  #running: Promise<void> = Promise.resolve();

  /** @internal use startClock() */
  constructor(
    participant: ParticipantHandle,
    o: z.output<typeof optionsSchema>,
    init: { talks: ClockTalk[]; target: ClockTalk | null; timeZone: string },
    opts: StartClockOptions,
    log: Logger,
  ) {
    super(log);
    this.participant = participant;
    this.#o = o;
    this.#schedule = opts.schedule;
    this.#now = opts.now ?? Date.now;
    this.#log = log;
    this.#talks = init.talks;
    this.#target = init.target;
    this.#timeZone = init.timeZone;
    participant.on('sessionStarted', (sid) => {
      this.#sid = sid;
      // A new session (first one, or after an engine restart) starts from the spec's target: bring it up to date.
      void this.#pushTarget();
    });
    participant.on('sessionEnded', (sid) => {
      if (this.#sid === sid) this.#sid = undefined;
    });
    participant.on('left', () => void this.close());
    participant.jitsi?.on('roleChanged', (role) => {
      if (role === 'moderator') void this.#updateSubject(true);
    });
  }

  get target(): ClockTalk | null {
    return this.#target;
  }
  get talks(): readonly ClockTalk[] {
    return this.#talks;
  }

  /** @internal */
  start(): void {
    void this.#wake();
  }

  async #wake(): Promise<void> {
    if (this.#closed) return;
    this.#running = this.#step();
    await this.#running;
    if (this.#closed) return;
    const now = this.#now();
    const at = nextWakeAt(this.#talks, this.#o.reminders, now, this.#o.startingNowHoldMs, this.#o.refreshMs);
    // +5 ms: wake just after the instant, so the comparisons there see it as reached.
    this.#timer = setTimeout(() => void this.#wake(), Math.max(5, at - now + 5));
  }

  async #step(): Promise<void> {
    try {
      this.#talks = parseTalks(await this.#schedule());
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.#log.warn({ err: e.message }, 'clock: schedule provider failed; keeping the previous talks');
      this.safeEmit('scheduleFailed', e);
    }
    if (this.#closed) return;
    const now = this.#now();
    const target = countdownTalkAt(this.#talks, now, this.#o.startingNowHoldMs);
    if (!sameTarget(target, this.#target)) {
      this.#target = target;
      this.#log.info(
        { guid: target?.guid, startsAt: target ? new Date(target.startsAtMs).toISOString() : null },
        'clock: new target',
      );
      this.safeEmit('targetChanged', target);
      await this.#pushTarget();
    }
    for (const r of dueReminders(this.#talks, this.#o.reminders, now, this.#sent)) {
      this.#sent.add(r.key);
      try {
        await this.participant.jitsi?.sendMessage(r.text);
        this.safeEmit('reminderSent', { talk: r.talk, secondsBefore: r.secondsBefore, text: r.text });
      } catch (err) {
        this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'clock: reminder not sent');
      }
    }
    await this.#updateSubject(false);
  }

  async #pushTarget(): Promise<void> {
    const engine = this.participant.engine;
    const sid = this.#sid;
    if (!engine || !sid) return; // applied when the session starts
    try {
      await engine.request('countdown.set', { sid, target: toTarget(this.#target) });
    } catch (err) {
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'clock: countdown target not applied');
    }
  }

  async #updateSubject(force: boolean): Promise<void> {
    if (!this.#o.subject) return;
    const text = subjectText(this.#talks, this.#now(), this.#timeZone);
    if (text === null || (!force && text === this.#subject)) return;
    const jitsi = this.participant.jitsi;
    if (!jitsi) return;
    try {
      await jitsi.setSubject(text);
      this.#subject = text;
      this.safeEmit('subjectSet', text);
    } catch (err) {
      if (err instanceof ConferenceError && err.reason === 'not-moderator') {
        this.#subject = text; // try again when the next talk changes or we become moderator
        if (!this.#subjectRefusedLogged) {
          this.#subjectRefusedLogged = true;
          this.#log.warn({ reason: err.reason }, `clock: room subject not set: ${err.message}`);
          this.safeEmit('subjectRefused', err);
        }
        return;
      }
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'clock: room subject not set');
    }
  }

  /** Leaves the meeting (engine EOS, then leave presence). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running.catch(() => {});
    await this.participant.close();
    this.removeAllListeners();
  }
}

function sameTarget(a: ClockTalk | null, b: ClockTalk | null): boolean {
  if (!a || !b) return a === b;
  return (
    a.guid === b.guid &&
    a.startsAtMs === b.startsAtMs &&
    a.title === b.title &&
    a.speakers.join('\n') === b.speakers.join('\n')
  );
}

function parseTalks(input: readonly ClockTalkInput[]): ClockTalk[] {
  const r = z.array(clockTalkSchema).safeParse(input);
  if (!r.success)
    throw new ParticipantError(
      'invalid-options',
      `clock: the schedule provider returned invalid talks: ${z.prettifyError(r.error)}`,
    );
  return r.data;
}

/**
 * Joins as "Stagecast clock" and publishes the countdown to the room's next talk; resolves once joined. Invalid
 * options or talks reject with ParticipantError('invalid-options') before anything joins.
 */
export async function startClock(opts: StartClockOptions): Promise<ClockHandle> {
  const log = (opts.logger ?? silentLogger).child({ module: 'clock' });
  const parsed = optionsSchema.safeParse({
    ...(opts.reminders ? { reminders: opts.reminders } : {}),
    ...(opts.subject !== undefined ? { subject: opts.subject } : {}),
    ...(opts.beeps !== undefined ? { beeps: opts.beeps } : {}),
    ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
    ...(opts.startingNowHoldMs !== undefined ? { startingNowHoldMs: opts.startingNowHoldMs } : {}),
    ...(opts.refreshMs !== undefined ? { refreshMs: opts.refreshMs } : {}),
  });
  if (!parsed.success) throw new ParticipantError('invalid-options', `clock: ${z.prettifyError(parsed.error)}`);
  const o = parsed.data;
  const timeZone = o.timeZone ?? opts.style?.timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
  } catch {
    throw new ParticipantError(
      'invalid-options',
      `clock: unknown time zone "${timeZone}": use an IANA name such as "Europe/Berlin"`,
    );
  }
  const talks = parseTalks(await opts.schedule());
  const now = (opts.now ?? Date.now)();
  const target = countdownTalkAt(talks, now, o.startingNowHoldMs);
  const style: CountdownStyleInput = { timeZone, ...opts.style, beeps: { ...opts.style?.beeps, enabled: o.beeps } };
  const participant = await startParticipant({
    meeting: { displayName: CLOCK_NICK, ...opts.meeting },
    media: {
      send: {
        source: { kind: 'countdown', style, target: toTarget(target) },
        ...(opts.videoCodec ? { videoCodec: opts.videoCodec } : {}),
      },
    },
    // The clock only publishes: ask the bridge for no video at all.
    receiveVideo: { maxHeight: 0, lastN: 0, selectedEndpoints: [] },
    ...(opts.engine ? { engine: opts.engine } : {}),
    logger: log,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const h = new ClockHandle(participant, o, { talks, target, timeZone }, opts, log);
  h.start();
  return h;
}
