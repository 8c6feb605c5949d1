import { silentLogger } from '@stagecast/jobs';
import type { PlayoutHandleEvents, StartPlayoutOptions } from '@stagecast/participant';
import { describe, expect, it, vi } from 'vitest';
import { runClockParticipant, type ClockSession } from './clock.runner.js';
import {
  createPlayoutRunner,
  type PlayoutCommandOutcome,
  type PlayoutData,
  type PlayoutSession,
  type PlayoutSessionStatus,
} from './playout.runner.js';
import type { ClockData } from './stage-data.js';
import type { StageJob, StageStatusReport } from './types.js';

const job: StageJob = {
  jobRecordId: 'rec',
  bossJobId: 'boss',
  roomId: '00000000-0000-4000-8000-000000000001',
  talkId: '00000000-0000-4000-8000-000000000002',
  role: 'playout',
  startsAtMs: Date.parse('2030-06-01T10:00:00Z'),
  durationSeconds: 1800,
  runUntilMs: Date.parse('2030-06-01T10:30:00Z'),
  talk: { title: 'Talk', speakers: ['Ada'] },
  room: { slug: 'main', name: 'Main', meetingUrl: 'https://meet.example.org/main' },
  conferenceTimeZone: 'Europe/Berlin',
  attempt: 1,
};

class Emitter<E extends Record<string, unknown[]>> {
  readonly listeners = new Map<keyof E, Set<(...a: never[]) => void>>();
  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as never);
    return () => set.delete(listener as never);
  }
  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as unknown as (...a: E[K]) => void)(...args);
  }
}

/**
 * A fake PlayoutHandle: records control calls and refuses the way the engine does for the actions these tests use
 * (pause only while playing, resume only while paused); the engine's full rules are tested in packages/media.
 */
class FakePlayout extends Emitter<PlayoutHandleEvents> implements PlayoutSession {
  state = 'scheduled';
  positionMs: number | null = 0;
  closed = 0;
  controls: string[] = [];
  participant = { participants: [{ id: 'a' }], endpointId: 'eeee0000' };
  async status(): Promise<PlayoutSessionStatus> {
    return { state: this.state, positionMs: this.positionMs, durationMs: 600_000, effectiveStartMs: null };
  }
  async control(action: Parameters<PlayoutSession['control']>[0]): Promise<PlayoutSessionStatus> {
    this.controls.push(action);
    if (action === 'pause') {
      if (this.state !== 'playing')
        throw new Error(`cannot pause in state ${this.state}: pause works while a talk plays`);
      this.state = 'paused';
    } else if (action === 'resume') {
      if (this.state !== 'paused') throw new Error(`cannot resume in state ${this.state}`);
      this.state = 'playing';
    } else if (action === 'startNow' || action === 'restart') this.state = 'playing';
    else if (action === 'skip') this.state = 'ended';
    else this.state = 'stopped';
    return this.status();
  }
  async close() {
    this.closed += 1;
  }
}

/** The command channel as the database repository behaves: pending → claimed once, outcome written once. */
class FakeCommands {
  rows: {
    seq: number;
    action: Parameters<PlayoutSession['control']>[0];
    status: string;
    outcome?: PlayoutCommandOutcome;
  }[] = [];
  claims: number[] = [];
  issue(action: Parameters<PlayoutSession['control']>[0]) {
    this.rows.push({ seq: this.rows.length + 1, action, status: 'pending' });
  }
  claimCommands: PlayoutData['claimCommands'] = async ({ afterSeq }) => {
    const got = this.rows.filter((r) => r.status === 'pending' && r.seq > afterSeq);
    for (const r of got) r.status = 'applying';
    this.claims.push(afterSeq);
    return got.map((r) => ({ seq: r.seq, action: r.action }));
  };
  finishCommand: PlayoutData['finishCommand'] = async ({ seq, ...outcome }) => {
    const row = this.rows.find((r) => r.seq === seq);
    if (row?.status !== 'applying') throw new Error(`command ${seq} is not applying`);
    row.status = outcome.status;
    row.outcome = outcome;
  };
}

function context() {
  const controller = new AbortController();
  const reports: StageStatusReport[] = [];
  return {
    controller,
    reports,
    ctx: {
      signal: controller.signal,
      logger: silentLogger,
      reportStatus: async (r: StageStatusReport) => void reports.push(r),
    },
  };
}

const data = (over: Partial<PlayoutData> = {}): PlayoutData => ({
  room: async () => ({ slug: 'main', meetingUrl: 'https://meet.example.org/main', jitsiCredentials: { jwt: 'j' } }),
  talk: async () => ({ title: 'Talk', speakers: ['Ada'], videoFile: '/srv/videos/talk.webm' }),
  latePolicy: async () => 'join-in',
  claimCommands: async () => [],
  finishCommand: async () => {},
  ...over,
});

describe('playout runner', () => {
  it('plays the talk video at T with the conference late policy, reports alerts, leaves on abort', async () => {
    const session = new FakePlayout();
    const started: StartPlayoutOptions[] = [];
    const runner = createPlayoutRunner({
      data: data(),
      start: async (o) => (started.push(o), session),
      statusIntervalMs: 10,
      video: { width: 640, height: 360, fps: 25 },
    });
    const c = context();
    const run = runner.run(job, c.ctx);
    await vi.waitFor(() => expect(c.reports.some((r) => r.state === 'running')).toBe(true));
    expect(started[0]).toMatchObject({
      meeting: {
        meetingUrl: 'https://meet.example.org/main',
        displayName: 'Stagecast playout',
        auth: { kind: 'jwt', token: 'j' },
      },
      playout: {
        location: '/srv/videos/talk.webm',
        startsAt: job.startsAtMs,
        latePolicy: 'join-in',
        width: 640,
        countdown: { title: 'Talk' },
      },
      joinBeforeMs: 120_000,
      engine: { timings: { heartbeatTimeoutMs: 15_000 } },
    });
    session.emit('alerted', { reason: 'file-error', message: 'cannot decode' });
    await vi.waitFor(() => expect(c.reports.some((r) => r.lastError === 'file-error: cannot decode')).toBe(true));
    c.controller.abort('stopped');
    await run;
    expect(session.closed).toBeGreaterThan(0);
  });

  it('refuses a job without a talk or a talk without video, permanently', async () => {
    const runner = createPlayoutRunner({
      data: data({ talk: async () => ({ title: 'T', speakers: [], videoFile: null }) }),
      start: vi.fn(),
    });
    await expect(runner.run({ ...job, talkId: null }, context().ctx)).rejects.toMatchObject({
      reason: 'invalid-job',
      permanent: true,
    });
    await expect(runner.run(job, context().ctx)).rejects.toMatchObject({
      reason: 'invalid-job',
      permanent: true,
      message: expect.stringContaining('no uploaded video'),
    });
  });

  it('applies each organizer command once, in order, and reports refusals, state and position', async () => {
    const session = new FakePlayout();
    session.state = 'playing';
    session.positionMs = 61_000;
    const commands = new FakeCommands();
    const runner = createPlayoutRunner({
      data: data({ claimCommands: commands.claimCommands, finishCommand: commands.finishCommand }),
      start: async () => session,
      statusIntervalMs: 10,
      commandPollMs: 5,
    });
    const c = context();
    const run = runner.run(job, c.ctx);
    await vi.waitFor(() => expect(c.reports.some((r) => r.state === 'running')).toBe(true));
    expect(c.reports.at(-1)?.stats).toMatchObject({ playout: 'playing', positionMs: 61_000, durationMs: 600_000 });

    commands.issue('pause');
    commands.issue('resume');
    commands.issue('resume');
    await vi.waitFor(() => expect(commands.rows.every((r) => r.outcome)).toBe(true));
    // Several more polls happen after the last outcome; none may re-apply a command.
    const polls = commands.claims.length;
    await vi.waitFor(() => expect(commands.claims.length).toBeGreaterThan(polls + 3));
    expect(session.controls).toEqual(['pause', 'resume', 'resume']);
    expect(commands.claims.at(-1)).toBe(3);
    expect(commands.rows.map((r) => [r.status, r.outcome?.playoutState])).toEqual([
      ['applied', 'paused'],
      ['applied', 'playing'],
      ['refused', 'playing'],
    ]);
    expect(commands.rows[2]?.outcome?.result).toBe('cannot resume in state playing');
    await vi.waitFor(() =>
      expect(c.reports.at(-1)?.stats?.lastCommand).toMatchObject({
        seq: 3,
        action: 'resume',
        status: 'refused',
        result: 'cannot resume in state playing',
      }),
    );

    commands.issue('skip');
    await vi.waitFor(() => expect(commands.rows[3]?.status).toBe('applied'));
    await vi.waitFor(() => expect(c.reports.at(-1)?.stats).toMatchObject({ playout: 'ended' }));
    c.controller.abort('stopped');
    await run;
    expect(session.controls).toEqual(['pause', 'resume', 'resume', 'skip']);
    // Commands issued after the role left stay pending for the next playout (or expire).
    commands.issue('restart');
    await new Promise((r) => setTimeout(r, 30));
    expect(commands.rows[4]?.status).toBe('pending');
  });

  it('a lost meeting is retryable', async () => {
    const session = new FakePlayout();
    const runner = createPlayoutRunner({ data: data(), start: async () => session, statusIntervalMs: 10 });
    const c = context();
    const run = runner.run(job, c.ctx);
    await vi.waitFor(() => expect(c.reports.some((r) => r.state === 'running')).toBe(true));
    session.emit('left', {
      kind: 'failed',
      error: Object.assign(new Error('kicked'), { reason: 'removed-from-room' }) as never,
    });
    await expect(run).rejects.toMatchObject({ reason: 'join-failed', permanent: false });
  });
});

describe('clock participant', () => {
  const clockData = (meetingUrl: string | null): ClockData => ({
    room: async () => ({ slug: 'main', name: 'Main', meetingUrl, jitsiCredentials: null, broadcastOutputs: [] }),
    talks: async () => [
      { guid: 'g', title: 'Talk', speakers: ['Ada'], startsAtMs: job.startsAtMs, durationSeconds: 1800 },
    ],
  });

  it('joins as the clock, rejoins after a lost meeting, leaves on abort', async () => {
    const sessions: (Emitter<{ left: [{ kind: 'requested' } | { kind: 'failed'; error: Error }] }> & {
      closed: number;
    })[] = [];
    const c = context();
    const done = runClockParticipant(
      {
        data: clockData('https://meet.example.org/main'),
        start: async (o) => {
          expect(o.meeting).toMatchObject({ displayName: 'Stagecast clock' });
          expect(await o.schedule()).toHaveLength(1);
          const e = Object.assign(new Emitter<{ left: [{ kind: 'requested' } | { kind: 'failed'; error: Error }] }>(), {
            closed: 0,
          });
          sessions.push(e);
          const session: ClockSession = {
            participant: { participants: [], endpointId: 'cccc0000', on: (ev, l) => e.on(ev, l) },
            close: async () => void (e.closed += 1),
          };
          return session;
        },
      },
      job,
      c.ctx,
      Date.now,
    );
    await vi.waitFor(() => expect(sessions).toHaveLength(1));
    sessions[0]!.emit('left', { kind: 'failed', error: new Error('connection lost') });
    await vi.waitFor(() => expect(sessions).toHaveLength(2), { timeout: 5000 });
    expect(c.reports.some((r) => r.lastError === 'clock participant: connection lost')).toBe(true);
    c.controller.abort('stopped');
    await done;
    expect(sessions.map((s) => s.closed > 0)).toEqual([true, true]);
  });

  it('stays HLS-only when the room has no meeting URL', async () => {
    const c = context();
    const start = vi.fn();
    await runClockParticipant({ data: clockData(null), start }, job, c.ctx, Date.now);
    expect(start).not.toHaveBeenCalled();
    expect(c.reports.at(-1)?.stats).toMatchObject({ inMeeting: false });
  });
});
