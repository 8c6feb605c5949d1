import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  applyScheduleImport,
  createConferenceRepository,
  createRoomRepository,
  createScheduleSourceRepository,
  type Room,
} from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { silentLogger, type JobContext } from '@stagecast/jobs';
import { createTestJobs, type TestJobs } from '@stagecast/jobs/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyncScheduleHandler } from './handlers/sync-schedule.handler.js';
import { replanStageJobs } from './planning/replan.js';
import { startPlanner } from './planner.js';
import { frabXml, type FrabEvent } from './testing/frab.js';

let testDb: TestDatabase;
let t: TestJobs;
beforeAll(async () => {
  testDb = await createTestDatabase({ name: 'planner' });
  t = await createTestJobs({ name: 'planner' });
});
afterAll(async () => {
  await t?.drop();
  await testDb?.drop();
});

const handle = () => ({ db: testDb.db, pool: testDb.pool, close: async () => {} });

function context(): JobContext {
  return {
    jobId: randomUUID(),
    queue: 'sync-schedule',
    attempt: 1,
    signal: new AbortController().signal,
    logger: silentLogger,
    defer: () => {
      throw new Error('not expected');
    },
  };
}

async function conferenceWithRooms(slug: string): Promise<{ conferenceId: string; main: Room; side: Room }> {
  const conference = await createConferenceRepository(testDb.db).create({
    slug,
    name: slug,
    timeZone: 'Europe/Berlin',
    startsOn: '2030-06-01',
    endsOn: '2030-06-02',
  });
  const rooms = createRoomRepository(testDb.db);
  const main = await rooms.create({ conferenceId: conference.id, slug: 'main', name: 'Main' });
  const side = await rooms.create({ conferenceId: conference.id, slug: 'side', name: 'Side' });
  return { conferenceId: conference.id, main, side };
}

interface StageRow {
  job_key: string;
  status: string;
  boss_job_id: string;
  scheduled_for: Date;
  state: string | null;
  start_after: Date | null;
}
async function stageJobs(roomIds: string[]): Promise<StageRow[]> {
  const { rows } = await testDb.pool.query<StageRow>(
    `SELECT r.job_key, r.status, r.boss_job_id, r.scheduled_for, j.state, j.start_after
       FROM job_records r LEFT JOIN ${t.schema}.job j ON j.id::text = r.boss_job_id
      WHERE r.room_id = ANY($1) ORDER BY r.job_key, r.created_at`,
    [roomIds],
  );
  return rows;
}
const active = (rows: StageRow[]) => rows.filter((r) => r.status === 'queued');

const talkOf = (guid: string, roomKey: string, iso: string, durationSeconds = 1800, title = `Talk ${guid}`) => ({
  guid,
  title,
  speakers: [],
  start: { epochMs: Date.parse(iso) },
  durationSeconds,
  roomKey,
});

describe('stage job planning on real Postgres + pg-boss', () => {
  it('plans clock/broadcast at T−15 and re-plans: unchanged kept, moved replaced, removed cancelled, never duplicated', async () => {
    const { conferenceId, main, side } = await conferenceWithRooms('plan-replan');
    const first = await applyScheduleImport(testDb.db, {
      conferenceId,
      plan: {
        create: [talkOf('a', 'main', '2030-06-01T10:00:00Z'), talkOf('b', 'side', '2030-06-01T11:00:00Z')],
        update: [],
        unchanged: [],
        removedUpstream: [],
      },
    });
    const talkA = first.created[0]!.talkId;
    const now = new Date('2030-06-01T08:00:00Z');
    const report = await replanStageJobs(handle(), t.jobs, { conferenceId, now });
    expect(report.created).toHaveLength(4);
    let rows = await stageJobs([main.id, side.id]);
    expect(rows.map((r) => [r.job_key.split(':').slice(2).join(':'), r.state, r.start_after?.toISOString()])).toEqual(
      expect.arrayContaining([
        ['clock', 'created', '2030-06-01T09:45:00.000Z'],
        ['broadcast', 'created', '2030-06-01T09:45:00.000Z'],
        ['clock', 'created', '2030-06-01T10:45:00.000Z'],
        ['broadcast', 'created', '2030-06-01T10:45:00.000Z'],
      ]),
    );
    // pg-boss payloads carry the record id and role.
    const clockA = rows.find((r) => r.job_key === `run-stage:${talkA}:clock`)!;
    const bossJob = await t.jobs.boss.getJobById('run-stage', clockA.boss_job_id);
    expect(bossJob?.data).toMatchObject({ role: 'clock', talkId: talkA, runUntil: '2030-06-01T10:01:00.000Z' });

    // Same schedule, a bit later: nothing changes (deterministic keys).
    const again = await replanStageJobs(handle(), t.jobs, { conferenceId, now: new Date('2030-06-01T08:30:00Z') });
    expect(again).toMatchObject({ created: [], replaced: [], cancelled: [] });
    expect(again.kept).toHaveLength(4);
    expect(await stageJobs([main.id, side.id])).toEqual(rows);

    // Talk a moves 30 min later and gets a video: its jobs are replaced (old pg-boss jobs cancelled), playout added.
    await applyScheduleImport(testDb.db, {
      conferenceId,
      plan: {
        create: [],
        update: [{ guid: 'a', incoming: talkOf('a', 'main', '2030-06-01T10:30:00Z'), changes: [{ field: 'start' }] }],
        unchanged: [{ guid: 'b' }],
        removedUpstream: [],
      },
    });
    await testDb.pool.query(`UPDATE talks SET video_file = '/videos/a.mkv' WHERE id = $1`, [talkA]);
    const moved = await replanStageJobs(handle(), t.jobs, { conferenceId, now: new Date('2030-06-01T09:00:00Z') });
    expect(moved.replaced.sort()).toEqual([`run-stage:${talkA}:broadcast`, `run-stage:${talkA}:clock`]);
    expect(moved.created).toEqual([`run-stage:${talkA}:playout`]);
    rows = await stageJobs([main.id, side.id]);
    const aRows = rows.filter((r) => r.job_key.includes(talkA));
    expect(aRows.filter((r) => r.status === 'cancelled').map((r) => r.state)).toEqual(['cancelled', 'cancelled']);
    expect(
      active(aRows)
        .map((r) => [r.job_key.split(':')[2], r.start_after?.toISOString()])
        .sort(),
    ).toEqual([
      ['broadcast', '2030-06-01T10:15:00.000Z'],
      ['clock', '2030-06-01T10:15:00.000Z'],
      ['playout', '2030-06-01T10:28:00.000Z'],
    ]);

    // Talk b disappears upstream: reported, kept in talks, its queued jobs cancelled.
    const removed = await applyScheduleImport(testDb.db, {
      conferenceId,
      plan: {
        create: [],
        update: [],
        unchanged: [{ guid: 'a' }],
        removedUpstream: [{ guid: 'b', likelyReplacedBy: null }],
      },
    });
    const cancelled = await replanStageJobs(handle(), t.jobs, {
      conferenceId,
      now: new Date('2030-06-01T09:10:00Z'),
      excludeGuids: removed.removedUpstream.map((r) => r.guid),
    });
    expect(cancelled.cancelled).toHaveLength(2);
    rows = await stageJobs([side.id]);
    expect(rows.map((r) => [r.status, r.state])).toEqual([
      ['cancelled', 'cancelled'],
      ['cancelled', 'cancelled'],
    ]);
    // Exactly one active record per key across everything.
    const keys = active(await stageJobs([main.id, side.id])).map((r) => r.job_key);
    expect(new Set(keys).size).toBe(keys.length);

    // After the talk, nothing new is planned.
    const late = await replanStageJobs(handle(), t.jobs, { conferenceId, now: new Date('2030-06-01T12:00:00Z') });
    expect(late.created).toEqual([]);
  });
});

describe('sync-schedule from a local HTTP server', () => {
  let server: Server;
  let doc = '';
  let etag = '"v1"';
  let status = 200;
  const requests: { inm: string | undefined }[] = [];
  let baseUrl = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ inm: req.headers['if-none-match'] });
      if (req.url === '/huge.xml') {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end('<schedule>' + 'x'.repeat(70_000) + '</schedule>');
        return;
      }
      if (status !== 200) {
        res.writeHead(status).end('down');
        return;
      }
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/xml', etag }).end(doc);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterEach(() => {
    status = 200;
  });

  const events = (bMinutes: number): FrabEvent[] => [
    {
      guid: '11111111-1111-4111-8111-111111111111',
      id: 1,
      room: 'Main Hall',
      date: '2030-06-01T12:00:00+02:00',
      duration: '00:30',
      title: 'Opening',
    },
    {
      guid: '22222222-2222-4222-8222-222222222222',
      id: 2,
      room: 'Side Room',
      date: `2030-06-01T13:${String(bMinutes).padStart(2, '0')}:00+02:00`,
      duration: '00:45',
      title: 'Second',
    },
  ];

  it('imports, answers 304 with If-None-Match, keeps the last good version on a malformed doc, re-plans on change', async () => {
    const { conferenceId, main, side } = await conferenceWithRooms('sync-http');
    await createScheduleSourceRepository(testDb.db).upsert({
      conferenceId,
      url: `${baseUrl}/schedule.xml?token=s3cret`,
      roomMapping: { 'Main Hall': 'main', 'Side Room': 'side' },
    });
    const now = new Date('2030-06-01T08:00:00Z');
    const sync = createSyncScheduleHandler({ db: handle(), jobs: t.jobs, now: () => now });
    doc = frabXml('1.0', events(0));

    const imported = await sync({ conferenceId }, context());
    expect(imported).toMatchObject({ kind: 'imported', version: '1.0', created: 2, updated: 0 });
    expect(imported.replan.created).toHaveLength(4);
    let source = await createScheduleSourceRepository(testDb.db).find(conferenceId);
    expect(source).toMatchObject({ etag: '"v1"', lastGoodVersion: '1.0', lastError: null });

    const notModified = await sync({ conferenceId }, context());
    expect(notModified.kind).toBe('not-modified');
    expect(requests.at(-1)?.inm).toBe('"v1"');
    expect(notModified.replan.kept).toHaveLength(4);

    // A malformed new version: permanent failure with a line-numbered reason; talks and jobs of v1 stay.
    etag = '"v2-broken"';
    doc = frabXml('2.0', events(0)).replace('<title>Opening</title>', '<title>Opening &</title>');
    const broken = await sync({ conferenceId }, context()).catch((e: unknown) => e);
    expect(broken).toMatchObject({ name: 'PermanentJobError' });
    expect((broken as Error).message).toMatch(/line \d+/);
    source = await createScheduleSourceRepository(testDb.db).find(conferenceId);
    expect(source).toMatchObject({ lastGoodVersion: '1.0', consecutiveFailures: 1, etag: '"v1"' });
    expect(source?.lastError).toMatch(/line \d+/);
    expect(source?.lastError).not.toContain('s3cret');
    const { rows: talkRows } = await testDb.pool.query(
      'SELECT title FROM talks WHERE conference_id = $1 ORDER BY starts_at',
      [conferenceId],
    );
    expect(talkRows.map((r) => r.title)).toEqual(['Opening', 'Second']);

    // Server down: retryable failure (not permanent), last good stays.
    status = 503;
    const down = await sync({ conferenceId }, context()).catch((e: unknown) => e);
    expect(down).toMatchObject({ name: 'ScheduleFetchError', reason: 'http-status' });
    status = 200;

    // A fixed version moving talk 2 by 15 min: imported, its jobs replaced.
    etag = '"v3"';
    doc = frabXml('3.0', events(15));
    const changed = await sync({ conferenceId }, context());
    expect(changed).toMatchObject({ kind: 'imported', version: '3.0', created: 0, updated: 1 });
    expect(changed.replan.replaced).toHaveLength(2);
    const { rows } = await testDb.pool.query(
      `SELECT role, scheduled_for FROM job_records WHERE room_id = $1 AND status = 'queued' ORDER BY role`,
      [side.id],
    );
    expect(rows.map((r) => [r.role, (r.scheduled_for as Date).toISOString()])).toEqual([
      ['broadcast', '2030-06-01T11:00:00.000Z'],
      ['clock', '2030-06-01T11:00:00.000Z'],
    ]);
    expect((await stageJobs([main.id])).filter((r) => r.status === 'queued')).toHaveLength(2);
  });

  it('refuses an oversize document and an unmapped room with clear reasons', async () => {
    const { conferenceId } = await conferenceWithRooms('sync-limits');
    const sources = createScheduleSourceRepository(testDb.db);
    await sources.upsert({ conferenceId, url: `${baseUrl}/huge.xml`, roomMapping: {} });
    const sync = createSyncScheduleHandler({
      db: handle(),
      jobs: t.jobs,
      now: () => new Date('2030-06-01T08:00:00Z'),
      maxScheduleBytes: 65_536,
    });
    const huge = await sync({ conferenceId }, context()).catch((e: unknown) => e);
    expect((huge as Error).message).toMatch(/exceeds the 65536-byte limit/);

    etag = '"unmapped"';
    doc = frabXml('1.0', events(0));
    await sources.upsert({ conferenceId, url: `${baseUrl}/schedule.xml`, roomMapping: { 'Main Hall': 'main' } });
    const unmapped = await sync({ conferenceId }, context()).catch((e: unknown) => e);
    expect(unmapped).toMatchObject({ name: 'PermanentJobError' });
    expect((unmapped as Error).message).toContain('Side Room');
    const { rows } = await testDb.pool.query('SELECT count(*)::int AS n FROM talks WHERE conference_id = $1', [
      conferenceId,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('runs through the queue: startPlanner consumes sync-schedule', async () => {
    const { conferenceId, main } = await conferenceWithRooms('sync-queue');
    await createScheduleSourceRepository(testDb.db).upsert({
      conferenceId,
      url: `${baseUrl}/schedule.xml`,
      roomMapping: { 'Main Hall': 'main', 'Side Room': 'side' },
    });
    etag = '"q1"';
    doc = frabXml('q1', events(0));
    const planner = await startPlanner({
      db: handle(),
      jobs: t.jobs,
      logger: silentLogger,
      now: () => new Date('2030-06-01T08:00:00Z'),
    });
    try {
      const id = await t.jobs.send('sync-schedule', { conferenceId });
      const deadline = Date.now() + 30_000;
      let state: string | undefined;
      while (Date.now() < deadline && state !== 'completed' && state !== 'failed') {
        state = (await t.jobs.boss.getJobById('sync-schedule', id!))?.state;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(state).toBe('completed');
      expect((await stageJobs([main.id])).filter((r) => r.status === 'queued')).toHaveLength(2);
    } finally {
      planner.close();
      await t.jobs.offWork('sync-schedule');
    }
  });
});
