import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFleetRepository, createJobRecordRepository, type StageStatusRow } from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { createTestJobs, type TestJobs } from '@stagecast/jobs/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from './capacity.js';
import {
  seedRooms,
  sendStageJob,
  spawnStageWorker,
  stopProcess,
  waitForRecord,
  type WorkerProcess,
} from './testing/index.js';

let testDb: TestDatabase;
let t: TestJobs;
const outputDir = mkdtempSync(join(tmpdir(), 'fleet-'));
const spawned: WorkerProcess[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase({ name: 'fleet' });
  t = await createTestJobs({ name: 'fleet' });
});
afterEach(async () => {
  await Promise.all(spawned.splice(0).map((w) => stopProcess(w, 'SIGKILL')));
  // Isolation: what a test left running must not be taken over by the next test's workers.
  await testDb.pool.query(`UPDATE job_records SET status = 'cancelled' WHERE status IN ('queued', 'running')`);
  await testDb.pool.query(`UPDATE workers SET state = 'stopped' WHERE state <> 'stopped'`);
  await testDb.pool.query(`UPDATE ${t.schema}.job SET state = 'cancelled' WHERE state < 'completed'`);
});
afterAll(async () => {
  await t?.drop();
  await testDb?.drop();
  rmSync(outputDir, { recursive: true, force: true });
});

async function waitForStatus(roomId: string, predicate: (s: StageStatusRow) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: StageStatusRow | undefined;
  while (Date.now() < deadline) {
    [last] = await createFleetRepository(testDb.db).listStageStatus([roomId]);
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `stage status of room ${roomId} did not match within ${timeoutMs} ms (last: ${JSON.stringify(last)})`,
  );
}

function worker(env: Record<string, string> = {}): WorkerProcess {
  const w = spawnStageWorker({
    databaseUrl: testDb.connectionString,
    pgbossSchema: t.schema,
    outputDir,
    // Capacity for exactly one clock job (cost 300) per worker, so two jobs must spread over two workers.
    env: { STAGE_CAPACITY_MILLICORES: '300', STAGE_LEASE_STALE_MS: '15000', ...env },
  });
  spawned.push(w);
  return w;
}

describe('stage worker fleet (real processes, Postgres, pg-boss, GStreamer)', () => {
  it('two workers share the queue; a worker at capacity leaves the next job to the other; workers heartbeat their rows', async () => {
    const [a, b] = [worker(), worker()];
    const [idA, idB] = await Promise.all([a.id, b.id]);
    const { roomIds } = await seedRooms(testDb.db, 'fleet-share', 2);
    const jobs = await Promise.all(
      roomIds.map((roomId) =>
        sendStageJob(testDb.db, t.jobs, { roomId, role: 'clock', startsInMs: 60_000, runForMs: 120_000 }),
      ),
    );
    const running = await Promise.all(
      jobs.map((j) => waitForRecord(testDb.db, j.recordId, (r) => r.status === 'running', 60_000, 'running')),
    ).catch((e: unknown) => {
      console.log('A:', a.output().slice(-4000), '\nB:', b.output().slice(-4000));
      throw e;
    });
    expect(new Set(running.map((r) => r.workerId))).toEqual(new Set([idA, idB]));
    const fleet = createFleetRepository(testDb.db);
    const rows = (await fleet.list()).filter((w) => w.id === idA || w.id === idB);
    expect(rows.map((w) => w.state)).toEqual(['active', 'active']);
    // Heartbeat rows advertise capacity and the running job (eventually, on the next beat).
    const deadline = Date.now() + 10_000;
    let advertised = 0;
    while (Date.now() < deadline && advertised < 2) {
      advertised = (await fleet.list()).filter(
        (w) => (w.id === idA || w.id === idB) && w.runningJobs.length === 1 && w.usedMillicores === costOf('clock'),
      ).length;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(advertised).toBe(2);
    expect(rows[0]?.clockSync).toMatchObject({ source: expect.any(String) });
    const status = await fleet.listStageStatus(roomIds);
    expect(status.map((s) => [s.role, s.state])).toEqual([
      ['clock', 'running'],
      ['clock', 'running'],
    ]);
  }, 180_000);

  it('a worker refuses (defers) a job it cannot carry; the job waits queued until capacity frees up', async () => {
    // 500: after one clock (300) there is room for a playout (50) but not a second clock, so the worker still polls,
    // takes the second clock job and defers it. (A worker with less free than the cheapest role does not poll.)
    const a = worker({ STAGE_CAPACITY_MILLICORES: '500' });
    const idA = await a.id;
    const { roomIds } = await seedRooms(testDb.db, 'fleet-capacity', 2);
    const first = await sendStageJob(testDb.db, t.jobs, {
      roomId: roomIds[0]!,
      role: 'clock',
      startsInMs: 60_000,
      runForMs: 300_000,
    });
    await waitForRecord(
      testDb.db,
      first.recordId,
      (r) => r.status === 'running' && r.workerId === idA,
      60_000,
      'first running',
    );
    const second = await sendStageJob(testDb.db, t.jobs, {
      roomId: roomIds[1]!,
      role: 'clock',
      startsInMs: 60_000,
      runForMs: 300_000,
    });
    const deadline = Date.now() + 30_000;
    let deferredReason: string | undefined;
    while (Date.now() < deadline && !deferredReason) {
      const { rows } = await testDb.pool.query<{ reason: string }>(
        `SELECT output->>'reason' AS reason FROM ${t.schema}.job WHERE data->>'jobRecordId' = $1 AND state = 'cancelled'`,
        [second.recordId],
      );
      deferredReason = rows[0]?.reason;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(deferredReason).toMatch(/^deferred: worker .* has 200 of 500 millicores free; clock costs 300/);
    expect((await createJobRecordRepository(testDb.db).getById(second.recordId)).status).toBe('queued');
    // Capacity frees up: the deferred job runs.
    await t.jobs.send('stop-stage', { roomId: roomIds[0]!, role: 'clock', reason: 'operator' });
    await waitForRecord(
      testDb.db,
      second.recordId,
      (r) => r.status === 'running' && r.workerId === idA,
      60_000,
      'second running',
    );
  }, 180_000);

  it('runs one job per room and role across workers; stop-stage ends it and the next one starts', async () => {
    const [a, b] = [worker({ STAGE_CAPACITY_MILLICORES: '1000' }), worker({ STAGE_CAPACITY_MILLICORES: '1000' })];
    await Promise.all([a.id, b.id]);
    const { roomIds } = await seedRooms(testDb.db, 'fleet-singleton', 1);
    const roomId = roomIds[0]!;
    const first = await sendStageJob(testDb.db, t.jobs, {
      roomId,
      role: 'clock',
      startsInMs: 60_000,
      runForMs: 300_000,
    });
    await waitForRecord(testDb.db, first.recordId, (r) => r.status === 'running', 60_000, 'first running');
    const second = await sendStageJob(testDb.db, t.jobs, {
      roomId,
      role: 'clock',
      startsInMs: 60_000,
      runForMs: 300_000,
    });
    // The second job is fetched (active in pg-boss) but waits for the room's clock lock: its record stays queued.
    const until = Date.now() + 30_000;
    while (Date.now() < until && (await t.jobs.boss.getJobById('run-stage', second.bossJobId))?.state !== 'active') {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await t.jobs.boss.getJobById('run-stage', second.bossJobId))?.state).toBe('active');
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await createJobRecordRepository(testDb.db).getById(second.recordId)).status).toBe('queued');

    await t.jobs.send('stop-stage', { roomId, role: 'clock', reason: 'operator' });
    await waitForRecord(testDb.db, first.recordId, (r) => r.status === 'cancelled', 30_000, 'first cancelled');
    await waitForRecord(testDb.db, second.recordId, (r) => r.status === 'running', 60_000, 'second running');
    const status = await waitForStatus(roomId, (s) => s.jobRecordId === second.recordId && s.state === 'running');
    expect(status.workerId).toEqual(expect.any(String));
  }, 180_000);

  it('first SIGTERM drains (job handed over to the other worker, exit by SIGTERM); a second signal forces', async () => {
    const a = worker();
    const idA = await a.id;
    const { roomIds } = await seedRooms(testDb.db, 'fleet-drain', 2);
    const job = await sendStageJob(testDb.db, t.jobs, {
      roomId: roomIds[0]!,
      role: 'clock',
      startsInMs: 60_000,
      runForMs: 300_000,
    });
    await waitForRecord(
      testDb.db,
      job.recordId,
      (r) => r.status === 'running' && r.workerId === idA,
      60_000,
      'running on A',
    );
    const b = worker();
    const idB = await b.id;
    const exit = await stopProcess(a, 'SIGTERM');
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(a.output()).toContain('draining');
    // Handed over at once (no 15 s lease expiry): B runs it.
    const taken = await waitForRecord(
      testDb.db,
      job.recordId,
      (r) => r.status === 'running' && r.workerId === idB,
      20_000,
      'running on B',
    );
    expect(taken.attempt).toBe(2);
    expect((await createFleetRepository(testDb.db).get(idA))?.state).toBe('stopped');

    // Second signal forces: stall B's drain on the database (the test holds the job record's row lock, so B's
    // lease release blocks); the first SIGINT starts draining, the second makes B exit by SIGINT without waiting.
    const blocker = await testDb.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM job_records WHERE id = $1 FOR UPDATE', [job.recordId]);
      b.child.kill('SIGINT');
      const sawDrain = Date.now() + 10_000;
      while (Date.now() < sawDrain && !b.output().includes('draining (send it again')) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(b.child.exitCode).toBeNull();
      expect(b.child.signalCode).toBeNull();
      b.child.kill('SIGINT');
      const forced = await b.exited;
      expect(forced.signal).toBe('SIGINT');
      expect(b.output()).toContain('second signal: forcing shutdown');
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
  }, 180_000);

  it('SIGKILL mid-job: another worker takes the job over within 30 s (measured)', async () => {
    const a = worker();
    const idA = await a.id;
    const { roomIds } = await seedRooms(testDb.db, 'fleet-kill', 1);
    const job = await sendStageJob(testDb.db, t.jobs, {
      roomId: roomIds[0]!,
      role: 'clock',
      startsInMs: 60_000,
      runForMs: 300_000,
    });
    await waitForRecord(
      testDb.db,
      job.recordId,
      (r) => r.status === 'running' && r.workerId === idA,
      60_000,
      'running on A',
    );
    const b = worker();
    const idB = await b.id;
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    const taken = await waitForRecord(
      testDb.db,
      job.recordId,
      (r) => r.status === 'running' && r.workerId === idB,
      45_000,
      'taken over by B',
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`takeover after SIGKILL: ${takeoverMs} ms (stale threshold 15000 ms, heartbeat 1000 ms)`);
    expect(takeoverMs).toBeLessThan(30_000);
    expect(taken.lastError).toContain('taken over');
    expect((await createFleetRepository(testDb.db).get(idA))?.state).toBe('lost');
    const [status] = await createFleetRepository(testDb.db).listStageStatus(roomIds);
    expect(status).toMatchObject({
      workerId: idB,
      stats: expect.objectContaining({ takeover: expect.objectContaining({ fromWorker: idA }) }),
    });
    // The dead worker's job id is fenced: the old pg-boss job is failed, the new one active on B.
    expect((await t.jobs.boss.getJobById('run-stage', job.bossJobId))?.state).toBe('failed');
    expect(taken.bossJobId).not.toBe(job.bossJobId);
  }, 180_000);
});
