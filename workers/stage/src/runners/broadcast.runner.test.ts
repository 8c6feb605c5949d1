import type { StageLayout } from '@stagecast/db';
import { silentLogger } from '@stagecast/jobs';
import type { BroadcastEvents, BroadcastOptions, BroadcastStats } from '@stagecast/participant';
import { describe, expect, it, vi } from 'vitest';
import { createBroadcastRunner, type BroadcastData, type BroadcastSession } from './broadcast.runner.js';
import { StageError, type StageJob, type StageStatusReport } from './types.js';

const roomId = '00000000-0000-4000-8000-000000000001';
const job: StageJob = {
  jobRecordId: 'rec',
  bossJobId: 'boss',
  roomId,
  talkId: null,
  role: 'broadcast',
  startsAtMs: Date.now(),
  durationSeconds: 600,
  runUntilMs: Date.now() + 600_000,
  talk: null,
  room: { slug: 'main-hall', name: 'Main Hall', meetingUrl: 'https://meet.example.org/main' },
  conferenceTimeZone: 'Europe/Berlin',
  attempt: 1,
};

/** A stand-in for BroadcastHandle recording what the runner asks of it. */
class FakeSession implements BroadcastSession {
  readonly calls: string[] = [];
  closed = 0;
  readonly listeners = new Map<string, Set<(...a: never[]) => void>>();
  stats: BroadcastStats = {
    composite: {
      at: 0,
      layout: 'speaker',
      sources: 2,
      composedFps: 30,
      encodedFps: 30,
      droppedFrames: 0,
      framesEncoded: 100,
      outputs: [{ id: 'hls0', kind: 'hls', state: 'running', bytes: 1000, bitrate: 2_400_000, reconnects: 0 }],
    },
    hls: [{ segments: 3, lastSegmentAt: new Date(0), discontinuities: 0, origin: null }],
    engineRestarts: 0,
  };
  participant = { participants: [{ id: 'a1' }, { id: 'b2' }], endpointId: 'ffff0000' };
  on<K extends keyof BroadcastEvents>(event: K, listener: (...args: BroadcastEvents[K]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as never);
    return () => set.delete(listener as never);
  }
  emit<K extends keyof BroadcastEvents>(event: K, ...args: BroadcastEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as unknown as (...a: BroadcastEvents[K]) => void)(...args);
  }
  async setLayout(l: { kind: string }) {
    this.calls.push(`layout:${l.kind}`);
    return l.kind;
  }
  async setCountdown(t: { startsAt: number; title?: string } | null) {
    this.calls.push(t ? `countdown:${t.title}` : 'countdown:off');
  }
  async setSlate(s: { subtitle?: string }) {
    this.calls.push(`slate:${s.subtitle}`);
  }
  async close() {
    this.closed += 1;
  }
}

const bareRoom: BroadcastData = {
  room: async () => ({ slug: 's', name: 'S', meetingUrl: 'https://m/x', jitsiCredentials: null, broadcastOutputs: [] }),
  layout: async () => null,
  nextTalk: async () => null,
};

function setup(overrides: Partial<BroadcastData> = {}) {
  let layout: StageLayout | null = 'grid';
  const data: BroadcastData = {
    room: async () => ({
      slug: 'main-hall',
      name: 'Main Hall',
      meetingUrl: 'https://meet.example.org/main',
      jitsiCredentials: { roomPassword: 'pw' },
      broadcastOutputs: [{ kind: 'hls', publicUrl: 'http://cdn/x/index.m3u8', ingestUrl: 'http://origin/x/' }],
    }),
    layout: async () => layout,
    nextTalk: async () => ({ title: 'Next talk', speakers: ['Ada'], startsAtMs: Date.now() + 60_000 }),
    ...overrides,
  };
  const session = new FakeSession();
  const started: BroadcastOptions[] = [];
  const runner = createBroadcastRunner({
    data,
    outputRoot: '/tmp/stage-out',
    start: async (o) => {
      started.push(o);
      return session;
    },
    statusIntervalMs: 10,
    layoutPollMs: 10,
  });
  const reports: StageStatusReport[] = [];
  const controller = new AbortController();
  const context = {
    signal: controller.signal,
    logger: silentLogger,
    reportStatus: async (r: StageStatusReport) => void reports.push(r),
  };
  return { runner, session, started, reports, controller, context, setLayout: (l: StageLayout) => (layout = l) };
}

describe('broadcast runner', () => {
  it('starts with the room settings, reports status, follows layout changes and closes on abort', async () => {
    const t = setup();
    const run = t.runner.run(job, t.context);
    await vi.waitFor(() => expect(t.reports.some((r) => r.state === 'running')).toBe(true), { timeout: 5000 });
    const options = t.started[0]!;
    expect(options.meeting).toMatchObject({ meetingUrl: 'https://meet.example.org/main', roomPassword: 'pw' });
    expect(options.outputs.hls).toMatchObject({
      directory: '/tmp/stage-out/main-hall/broadcast',
      origin: { baseUrl: 'http://origin/x/' },
    });
    expect(options.composite?.layout).toEqual({ kind: 'grid', showNames: true });
    expect(options.engine?.timings?.heartbeatTimeoutMs).toBe(15_000);
    expect(t.reports.find((r) => r.state === 'running')?.stats).toMatchObject({
      participants: 2,
      bitrateKbps: 2400,
      layout: 'grid',
      outputs: [{ id: 'hls0', state: 'running', bitrateKbps: 2400 }],
      hls: { segments: 3, playlist: '/tmp/stage-out/main-hall/broadcast/index.m3u8' },
    });

    t.setLayout('countdown');
    await vi.waitFor(() => expect(t.session.calls).toContain('countdown:Next talk'), { timeout: 5000 });
    expect(t.session.calls).toContain('layout:slate');
    t.setLayout('side-by-side');
    await vi.waitFor(() => expect(t.session.calls).toContain('layout:screen-share'), { timeout: 5000 });
    expect(t.session.calls.at(-2)).toBe('countdown:off');

    // An output failure shows as last_error; recovery clears it.
    t.session.emit('outputStateChanged', {
      outputId: 'rtmp0',
      kind: 'rtmp',
      state: 'reconnecting',
      message: 'refused',
    });
    await vi.waitFor(() => expect(t.reports.some((r) => r.lastError === 'rtmp0 reconnecting: refused')).toBe(true));
    t.session.emit('outputStateChanged', { outputId: 'rtmp0', kind: 'rtmp', state: 'running' });
    await vi.waitFor(() =>
      expect(t.reports.at(-1)?.lastError === null || t.reports.some((r) => r.lastError === null)).toBe(true),
    );

    t.controller.abort('stopped');
    await run;
    expect(t.session.closed).toBeGreaterThanOrEqual(1);
    expect(t.reports.some((r) => r.state === 'stopping')).toBe(true);
  });

  it('throws a retryable error when the meeting is lost', async () => {
    const t = setup();
    const run = t.runner.run(job, t.context);
    await vi.waitFor(() => expect(t.reports.length).toBeGreaterThan(0));
    t.session.emit('left', { kind: 'failed', error: new Error('connection lost') });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect(error).toMatchObject({ reason: 'join-failed', permanent: false });
    expect((error as Error).message).toContain('connection lost');
  });

  it('maps start failures: join-failed retryable, bad pipeline permanent, abort during join is clean', async () => {
    for (const [reason, permanent] of [
      ['join-failed', false],
      ['bad-pipeline', true],
      ['engine-start-failed', false],
    ] as const) {
      const t = setup();
      const runner = createBroadcastRunner({
        data: bareRoom,
        outputRoot: '/tmp/o',
        start: async () => {
          throw Object.assign(new Error(`boom ${reason}`), { reason });
        },
      });
      const error = await runner.run(job, t.context).catch((e: unknown) => e);
      expect(error).toMatchObject({ permanent, message: expect.stringContaining(`boom ${reason}`) });
    }
    const t = setup();
    t.controller.abort('stopped');
    const runner = createBroadcastRunner({
      data: bareRoom,
      outputRoot: '/tmp/o',
      start: async () => {
        throw Object.assign(new Error('start aborted'), { reason: 'aborted' });
      },
    });
    await expect(runner.run(job, t.context)).resolves.toBeUndefined();
  });

  it('refuses a room without a meeting URL before joining anything', async () => {
    const t = setup({
      room: async () => ({ slug: 's', name: 'S', meetingUrl: null, jitsiCredentials: null, broadcastOutputs: [] }),
    });
    await expect(t.runner.run(job, t.context)).rejects.toMatchObject({ reason: 'invalid-job', permanent: true });
    expect(t.started).toEqual([]);
  });
});
