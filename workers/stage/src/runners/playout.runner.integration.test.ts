/**
 * The organizer command channel end to end on real Postgres: commands issued through the room controls repository
 * (what live.playoutControl calls) reach the playout session's control() exactly once each, the outcome lands on the
 * command rows and in the room's stage status row. The session is a fake handle (the participant and engine are
 * tested for real in packages/participant and packages/media).
 */
import {
  createConferenceRepository,
  createFleetRepository,
  createJobRecordRepository,
  createRoomControlsRepository,
  createRoomRepository,
  createTalkRepository,
} from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { silentLogger } from '@stagecast/jobs';
import type { PlayoutHandleEvents } from '@stagecast/participant';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPlayoutRunner, type PlayoutSession, type PlayoutSessionStatus } from './playout.runner.js';
import { createStageData } from './stage-data.js';
import type { StageJob } from './types.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase({ name: 'playout-commands' });
}, 60_000);
afterAll(async () => tdb?.drop());

type Action = Parameters<PlayoutSession['control']>[0];

/** Records control() calls; pause only while playing, resume only while paused (as the engine refuses them). */
class FakeHandle implements PlayoutSession {
  state = 'playing';
  controls: Action[] = [];
  participant = { participants: [], endpointId: 'eeee0000' };
  on<K extends keyof PlayoutHandleEvents>(_e: K, _l: (...args: PlayoutHandleEvents[K]) => void): () => void {
    return () => {};
  }
  async status(): Promise<PlayoutSessionStatus> {
    return { state: this.state, positionMs: 83_000, durationMs: 1_800_000, effectiveStartMs: 1 };
  }
  async control(action: Action): Promise<PlayoutSessionStatus> {
    this.controls.push(action);
    if (action === 'pause' && this.state !== 'playing') throw new Error(`cannot pause in state ${this.state}`);
    if (action === 'resume' && this.state !== 'paused') throw new Error(`cannot resume in state ${this.state}`);
    this.state = action === 'pause' ? 'paused' : action === 'resume' ? 'playing' : this.state;
    return this.status();
  }
  async close() {}
}

describe('playout runner commands on real Postgres', () => {
  it('each issued command reaches control() exactly once; outcomes land on the rows and the status row', async () => {
    const conference = await createConferenceRepository(tdb.db).create({
      slug: 'cmd',
      name: 'Commands',
      timeZone: 'UTC',
      startsOn: '2030-06-01',
      endsOn: '2030-06-02',
    });
    const room = await createRoomRepository(tdb.db).create({
      conferenceId: conference.id,
      slug: 'main',
      name: 'Main',
      meetingUrl: 'https://meet.example.org/main',
    });
    const [talk] = await createTalkRepository(tdb.db).upsertMany([
      {
        conferenceId: conference.id,
        roomId: room.id,
        guid: 'g',
        title: 'Talk',
        startsAt: new Date(Date.now() - 60_000),
        durationSeconds: 1800,
      },
    ]);
    await tdb.pool.query(`UPDATE talks SET video_file = '/srv/videos/talk.webm' WHERE id = $1`, [talk!.id]);
    const record = await createJobRecordRepository(tdb.db).create({
      kind: 'run-stage',
      roomId: room.id,
      talkId: talk!.id,
      role: 'playout',
    });
    const controls = createRoomControlsRepository(tdb.db);
    const fleet = createFleetRepository(tdb.db);
    // Issued before the job: an overdue command must never apply; a recent one applies when the playout is up.
    const overdue = await controls.issuePlayoutCommand({ roomId: room.id, action: 'stop', issuedBy: null });
    await tdb.pool.query(`UPDATE playout_commands SET issued_at = now() - interval '10 minutes' WHERE seq = $1`, [
      overdue.seq,
    ]);
    const early = await controls.issuePlayoutCommand({ roomId: room.id, action: 'pause', issuedBy: null });

    const handle = new FakeHandle();
    const runner = createPlayoutRunner({
      data: createStageData(tdb.db),
      start: async () => handle,
      statusIntervalMs: 50,
      commandPollMs: 20,
    });
    const job: StageJob = {
      jobRecordId: record.id,
      bossJobId: 'boss',
      roomId: room.id,
      talkId: talk!.id,
      role: 'playout',
      startsAtMs: talk!.startsAt.getTime(),
      durationSeconds: 1800,
      runUntilMs: Date.now() + 3600_000,
      talk: { title: 'Talk', speakers: [] },
      room: { slug: 'main', name: 'Main', meetingUrl: 'https://meet.example.org/main' },
      conferenceTimeZone: 'UTC',
      attempt: 1,
    };
    const controller = new AbortController();
    const run = runner.run(job, {
      signal: controller.signal,
      logger: silentLogger,
      reportStatus: async (report) =>
        fleet.setStageStatus({
          roomId: room.id,
          role: 'playout',
          state: report.state ?? 'running',
          ...(report.stats ? { stats: report.stats } : {}),
          ...(report.lastError !== undefined ? { lastError: report.lastError } : {}),
        }),
    });
    try {
      await vi.waitFor(async () => expect((await controls.listPlayoutCommands(room.id))[1]?.status).toBe('applied'), {
        timeout: 10_000,
      });
      const resume = await controls.issuePlayoutCommand({ roomId: room.id, action: 'resume', issuedBy: null });
      const again = await controls.issuePlayoutCommand({ roomId: room.id, action: 'resume', issuedBy: null });
      await vi.waitFor(
        async () => {
          const rows = await controls.listPlayoutCommands(room.id);
          expect(rows.every((r) => r.status !== 'pending' && r.status !== 'applying')).toBe(true);
        },
        { timeout: 10_000 },
      );
      const rows = await controls.listPlayoutCommands(room.id);
      expect(rows.map((r) => [r.seq, r.action, r.status, r.playoutState])).toEqual([
        [overdue.seq, 'stop', 'expired', null],
        [early.seq, 'pause', 'applied', 'paused'],
        [resume.seq, 'resume', 'applied', 'playing'],
        [again.seq, 'resume', 'refused', 'playing'],
      ]);
      expect(rows[3]).toMatchObject({ result: 'cannot resume in state playing', jobRecordId: record.id });
      expect(rows[1]).toMatchObject({ positionMs: 83_000, jobRecordId: record.id });
      await vi.waitFor(
        async () => {
          const [status] = await fleet.listStageStatus([room.id]);
          expect(status).toMatchObject({
            role: 'playout',
            state: 'running',
            stats: {
              playout: 'playing',
              positionMs: 83_000,
              lastCommand: { seq: again.seq, action: 'resume', status: 'refused' },
            },
          });
        },
        { timeout: 10_000 },
      );
      expect(handle.controls).toEqual(['pause', 'resume', 'resume']);
    } finally {
      controller.abort('stopped');
      await run;
    }
    expect(handle.controls).toEqual(['pause', 'resume', 'resume']);
  });
});
