import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobs, type JobContext } from './boss.js';
import { JobsError, PermanentJobError } from './errors.js';
import type { PayloadOf } from './queues.js';
import { createTestJobs, type TestJobs } from './testing/index.js';

let current: TestJobs | undefined;
afterEach(async () => {
  await current?.drop();
  current = undefined;
});

async function setup(name: string): Promise<TestJobs> {
  current = await createTestJobs({
    name,
    queueOverrides: {
      'sync-schedule': { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false },
      'run-stage': { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false },
    },
  });
  return current;
}

/** Polls pg-boss until the job reaches `state`; fails with the last seen state after `timeoutMs`. */
async function waitForState(t: TestJobs, queue: string, id: string, state: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    const job = await t.jobs.boss.getJobById(queue, id);
    last = job?.state;
    if (job && job.state === state) return job;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`job ${id} did not reach '${state}' within ${timeoutMs} ms (last state: ${last ?? 'missing'})`);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function runStage(roomId: string): PayloadOf<'run-stage'> {
  return {
    jobRecordId: randomUUID(),
    roomId,
    talkId: null,
    role: 'broadcast',
    startsAt: new Date().toISOString(),
    durationSeconds: 60,
  };
}

describe('createJobs on real Postgres', () => {
  it('round-trips a typed payload from send to work and completes the job', async () => {
    const t = await setup('roundtrip');
    const received = deferred<{ payload: PayloadOf<'sync-schedule'>; attempt: number }>();
    await t.jobs.work('sync-schedule', async (payload, ctx) => {
      received.resolve({ payload, attempt: ctx.attempt });
    });
    const conferenceId = randomUUID();
    const id = await t.jobs.send('sync-schedule', { conferenceId, scheduleUrl: 'https://example.org/schedule.json' });
    expect(id).toEqual(expect.any(String));
    const got = await received.promise;
    expect(got).toEqual({ payload: { conferenceId, scheduleUrl: 'https://example.org/schedule.json' }, attempt: 1 });
    await waitForState(t, 'sync-schedule', id!, 'completed');
  });

  it('rejects an invalid payload at send time without enqueuing', async () => {
    const t = await setup('invalid_send');
    const error = await t.jobs.send('stop-stage', { roomId: 'nope', reason: 'operator' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobsError);
    expect((error as JobsError).reason).toBe('invalid-payload');
    expect((error as JobsError).message).toContain('roomId');
    const queued = await t.jobs.boss.getQueueSize('stop-stage');
    expect(queued).toBe(0);
    await expect(
      t.jobs.send('no-such-queue' as 'stop-stage', { roomId: randomUUID(), reason: 'operator' }),
    ).rejects.toThrow(/unknown queue/);
  });

  it('fails a foreign malformed payload permanently without calling the handler or retrying', async () => {
    const t = await setup('invalid_work');
    let handlerCalls = 0;
    const permanent = deferred<PermanentJobError>();
    await t.jobs.work(
      'sync-schedule',
      async () => {
        handlerCalls += 1;
      },
      { onPermanentFailure: (error) => permanent.resolve(error) },
    );
    // Bypass our typed send, as an old or foreign producer would.
    const id = await t.jobs.boss.send('sync-schedule', { conferenceId: 42 });
    const error = await permanent.promise;
    expect(error.reason).toBe('invalid-payload');
    const job = await waitForState(t, 'sync-schedule', id!, 'failed');
    expect(job.retryCount).toBe(0);
    expect(job.output).toMatchObject({ permanent: true, reason: 'invalid-payload' });
    expect(handlerCalls).toBe(0);
  });

  it('retries a retryable error and succeeds on the next attempt', async () => {
    const t = await setup('retry');
    const attempts: number[] = [];
    await t.jobs.work('sync-schedule', async (_payload, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 1) throw new Error('schedule server returned 503');
    });
    const id = await t.jobs.send('sync-schedule', { conferenceId: randomUUID() });
    const job = await waitForState(t, 'sync-schedule', id!, 'completed');
    expect(attempts).toEqual([1, 2]);
    expect(job.retryCount).toBe(1);
  });

  it('does not retry a PermanentJobError thrown by the handler, though retries remain', async () => {
    const t = await setup('permanent');
    const attempts: number[] = [];
    await t.jobs.work('run-stage', async (_payload, ctx) => {
      attempts.push(ctx.attempt);
      throw new PermanentJobError('not-found', 'room was deleted');
    });
    const id = await t.jobs.send('run-stage', runStage(randomUUID()));
    const job = await waitForState(t, 'run-stage', id!, 'failed');
    expect(job.output).toMatchObject({ permanent: true, reason: 'not-found', message: 'room was deleted' });
    // Give pg-boss a chance to (wrongly) retry before asserting it did not.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(attempts).toEqual([1]);
    expect((await t.jobs.boss.getJobById('run-stage', id!))?.state).toBe('failed');
  });

  it('runs at most one run-stage per room at a time, while other rooms proceed', async () => {
    const t = await setup('singleton');
    const roomA = randomUUID();
    const roomB = randomUUID();
    const release = deferred<void>();
    const active = new Map<string, number>();
    let maxPerRoom = 0;
    const started: { roomId: string; jobId: string }[] = [];
    const bothRoomsStarted = deferred<void>();
    const handler = async (payload: PayloadOf<'run-stage'>, ctx: JobContext) => {
      const n = (active.get(payload.roomId) ?? 0) + 1;
      active.set(payload.roomId, n);
      maxPerRoom = Math.max(maxPerRoom, n);
      started.push({ roomId: payload.roomId, jobId: ctx.jobId });
      if (started.some((s) => s.roomId === roomA) && started.some((s) => s.roomId === roomB))
        bothRoomsStarted.resolve();
      await release.promise;
      active.set(payload.roomId, (active.get(payload.roomId) ?? 1) - 1);
    };
    const startsIn = (roomId: string) => started.filter((s) => s.roomId === roomId);
    // Three workers: the second room-A job occupies one while it waits for the room; room B still gets through.
    for (let i = 0; i < 3; i += 1) await t.jobs.work('run-stage', handler);
    const a1 = await t.jobs.send('run-stage', runStage(roomA));
    const a2 = await t.jobs.send('run-stage', runStage(roomA));
    const b1 = await t.jobs.send('run-stage', runStage(roomB));
    expect([a1, a2, b1].every((id) => typeof id === 'string')).toBe(true);
    await bothRoomsStarted.promise;
    // Either room-A job may win the room (they are fetched concurrently); the other is fetched but must wait.
    const waiting = startsIn(roomA)[0]?.jobId === a1 ? a2! : a1!;
    await waitForState(t, 'run-stage', waiting, 'active');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(startsIn(roomA)).toHaveLength(1);
    release.resolve();
    await waitForState(t, 'run-stage', waiting, 'completed');
    expect(startsIn(roomA).map((s) => s.jobId)).toEqual([a1 === waiting ? a2 : a1, waiting]);
    expect(maxPerRoom).toBe(1);
  });

  it('collapses duplicate stop-stage requests for a room (short policy)', async () => {
    const t = await setup('short');
    const roomId = randomUUID();
    const first = await t.jobs.send('stop-stage', { roomId, reason: 'operator' });
    const duplicate = await t.jobs.send('stop-stage', { roomId, reason: 'operator' });
    const otherRoom = await t.jobs.send('stop-stage', { roomId: randomUUID(), reason: 'operator' });
    expect(first).toEqual(expect.any(String));
    expect(duplicate).toBeNull();
    expect(otherRoom).toEqual(expect.any(String));
  });

  it('stop() is idempotent, aborts handler signals and refuses new sends', async () => {
    const t = await setup('stop');
    const sawAbort = deferred<boolean>();
    const running = deferred<void>();
    await t.jobs.work('sync-schedule', async (_payload, ctx) => {
      running.resolve();
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      sawAbort.resolve(ctx.signal.aborted);
    });
    await t.jobs.send('sync-schedule', { conferenceId: randomUUID() });
    await running.promise;
    await Promise.all([t.jobs.stop({ timeoutMs: 10_000 }), t.jobs.stop()]);
    expect(await sawAbort.promise).toBe(true);
    await expect(t.jobs.send('sync-schedule', { conferenceId: randomUUID() })).rejects.toThrow(/stopped/);
  });

  it('defer() requeues the job as a new one after the delay without using a retry', async () => {
    const t = await setup('defer');
    const seen: { jobId: string; attempt: number }[] = [];
    const done = deferred<void>();
    await t.jobs.work('run-stage', async (_payload, ctx) => {
      seen.push({ jobId: ctx.jobId, attempt: ctx.attempt });
      if (seen.length === 1) ctx.defer(1, 'no capacity for broadcast (640 of 500 millicores free)');
      done.resolve();
    });
    const id = await t.jobs.send('run-stage', runStage(randomUUID()));
    await done.promise;
    expect(seen).toHaveLength(2);
    expect(seen[0]?.jobId).toBe(id);
    expect(seen[1]?.jobId).not.toBe(id);
    expect(seen[1]?.attempt).toBe(1);
    const old = await t.jobs.boss.getJobById('run-stage', id!);
    expect(old?.state).toBe('cancelled');
    expect(old?.output).toMatchObject({ reassigned: true, reason: expect.stringContaining('no capacity') });
    await waitForState(t, 'run-stage', seen[1]!.jobId, 'completed');
  });

  it('after deferring, a worker leaves the job to another worker instead of winning every fetch race for it', async () => {
    const a = await setup('yield');
    // B: another worker process on the same schema, with one poller that polls half as often as A's.
    const jobsB = await createJobs({
      connectionString: a.connectionString,
      schema: a.schema,
      pollingIntervalSeconds: 1,
    });
    try {
      const deferredByA: string[] = [];
      const firstOnA = deferred<void>();
      // A: ten pollers staggered over one interval, so without yielding A polls every ~50 ms and nearly always
      // fetches the job again the moment it is due (what starved an idle worker in CI).
      for (let i = 0; i < 10; i += 1) {
        await a.jobs.work('run-stage', async (_payload, ctx) => {
          deferredByA.push(ctx.jobId);
          firstOnA.resolve();
          ctx.defer(1, 'worker A has 0 of 300 millicores free; clock costs 300');
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const id = await a.jobs.send('run-stage', runStage(randomUUID()));
      await firstOnA.promise;
      // B's polls land 300 ms after A's refusal, so B is never the first to poll once the job is due again.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ranOnB = deferred<string>();
      await jobsB.work('run-stage', async (_payload, ctx) => ranOnB.resolve(ctx.jobId));
      const bJobId = await ranOnB.promise;
      expect(deferredByA).toEqual([id]);
      expect((await jobsB.boss.getJobById('run-stage', id!))?.output).toMatchObject({
        reason: expect.stringMatching(/^deferred: /),
      });
      await waitForState(a, 'run-stage', bJobId, 'completed');
    } finally {
      await jobsB.stop({ timeoutMs: 10_000 });
    }
  });

  it('canFetch() false skips polls: the job waits until the worker may take it', async () => {
    const t = await setup('canfetch');
    let open = false;
    let polledWhileClosed = 0;
    const ran = deferred<void>();
    await t.jobs.work('sync-schedule', async () => ran.resolve(), {
      canFetch: () => {
        if (!open) polledWhileClosed += 1;
        return open;
      },
    });
    const id = await t.jobs.send('sync-schedule', { conferenceId: randomUUID() });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(polledWhileClosed).toBeGreaterThanOrEqual(2);
    expect((await t.jobs.boss.getJobById('sync-schedule', id!))?.state).toBe('created');
    open = true;
    await ran.promise;
    await waitForState(t, 'sync-schedule', id!, 'completed');
  });

  it('reassign() fences the old run: its completion no longer touches the new job', async () => {
    const t = await setup('reassign');
    const started = deferred<string>();
    const release = deferred<void>();
    await t.jobs.work('sync-schedule', async (_payload, ctx) => {
      started.resolve(ctx.jobId);
      await release.promise;
    });
    const id = await t.jobs.send('sync-schedule', { conferenceId: randomUUID() });
    expect(await started.promise).toBe(id);
    await t.jobs.offWork('sync-schedule');
    const newId = await t.jobs.reassign('sync-schedule', id!, { reason: 'worker w1 heartbeat stale' });
    expect(newId).toEqual(expect.any(String));
    expect(await t.jobs.reassign('sync-schedule', id!, { reason: 'twice' })).toBeNull();
    release.resolve();
    const old = await waitForState(t, 'sync-schedule', id!, 'failed');
    expect(old.output).toMatchObject({ reason: 'worker w1 heartbeat stale' });
    const copy = await t.jobs.boss.getJobById('sync-schedule', newId!);
    expect(copy?.state).toBe('created');
    expect(copy?.data).toEqual((await t.jobs.boss.getJobById('sync-schedule', id!))?.data);
  });

  it('cancel() cancels queued jobs only', async () => {
    const t = await setup('cancel');
    const later = await t.jobs.send('run-stage', runStage(randomUUID()), {
      startAfter: new Date(Date.now() + 3_600_000),
    });
    expect(await t.jobs.cancel('run-stage', [later!])).toBe(1);
    expect((await t.jobs.boss.getJobById('run-stage', later!))?.state).toBe('cancelled');
    expect(await t.jobs.cancel('run-stage', [later!])).toBe(0);
  });

  it('hands a running job over to another worker when stopping, instead of retrying with backoff', async () => {
    const a = await setup('handover');
    // A second instance on the same schema: another worker process.
    const jobsB = await createJobs({
      connectionString: a.connectionString,
      schema: a.schema,
      pollingIntervalSeconds: 0.5,
    });
    try {
      const runningOnA = deferred<void>();
      await a.jobs.work('run-stage', async (_payload, ctx) => {
        runningOnA.resolve();
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        throw new Error('aborted: stage stopped before the talk ended');
      });
      const id = await a.jobs.send('run-stage', runStage(randomUUID()));
      await runningOnA.promise;
      const onB = deferred<string>();
      await jobsB.work('run-stage', async (_payload, ctx) => onB.resolve(ctx.jobId));
      await a.jobs.stop({ timeoutMs: 10_000 });
      const newId = await onB.promise;
      expect(newId).not.toBe(id);
      const old = await jobsB.boss.getJobById('run-stage', id!);
      expect(old?.state).toBe('cancelled');
      expect(old?.output).toMatchObject({ reason: 'worker stopping: handed over' });
    } finally {
      await jobsB.stop({ timeoutMs: 10_000 });
    }
  });
});
