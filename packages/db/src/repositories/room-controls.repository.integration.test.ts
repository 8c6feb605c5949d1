import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbError } from '../errors.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { createConferenceRepository } from './conference.repository.js';
import { createJobRecordRepository } from './job-record.repository.js';
import { createRoomControlsRepository } from './room-controls.repository.js';
import { createRoomRepository } from './room.repository.js';
import { createUserRepository } from './user.repository.js';

let testDb: TestDatabase;
let roomId: string;
let otherRoomId: string;
let userId: string;
let jobA: string;
let jobB: string;

beforeAll(async () => {
  testDb = await createTestDatabase({ name: 'room_controls' });
  const conference = await createConferenceRepository(testDb.db).create({
    slug: 'controls',
    name: 'Controls',
    timeZone: 'UTC',
    startsOn: '2030-06-01',
    endsOn: '2030-06-02',
  });
  const rooms = createRoomRepository(testDb.db);
  roomId = (await rooms.create({ conferenceId: conference.id, slug: 'main', name: 'Main' })).id;
  otherRoomId = (await rooms.create({ conferenceId: conference.id, slug: 'side', name: 'Side' })).id;
  userId = (
    await createUserRepository(testDb.db).create({ email: 'ada@example.org', name: 'Ada', passwordHash: '$argon2id$x' })
  ).id;
  const jobs = createJobRecordRepository(testDb.db);
  jobA = (await jobs.create({ kind: 'run-stage', roomId, role: 'playout' })).id;
  jobB = (await jobs.create({ kind: 'run-stage', roomId, role: 'playout' })).id;
});
afterAll(async () => {
  await testDb?.drop();
});

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbError);
  return (error as DbError).reason;
}

describe('room controls: layout', () => {
  it("new rows default to 'auto'; every known layout is accepted and the check constraint refuses others", async () => {
    const repo = createRoomControlsRepository(testDb.db);
    await testDb.pool.query('INSERT INTO room_controls (room_id) VALUES ($1)', [otherRoomId]);
    expect((await repo.get(otherRoomId))?.layout).toBe('auto');
    for (const layout of ['speaker', 'grid', 'side-by-side', 'countdown', 'auto'] as const) {
      expect((await repo.setLayout(otherRoomId, layout, userId)).layout).toBe(layout);
    }
    await expect(
      testDb.pool.query(`UPDATE room_controls SET layout = 'pip' WHERE room_id = $1`, [otherRoomId]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'room_controls_layout_known' });
    expect(await reasonOf(repo.setLayout(otherRoomId, 'pip' as never, userId))).toBe('invalid-input');
  });
});

describe('room controls: playout commands', () => {
  it('issue → claim (once, in order) → finish; the newest command per room carries the issuer', async () => {
    const repo = createRoomControlsRepository(testDb.db);
    const pause = await repo.issuePlayoutCommand({ roomId, action: 'pause', issuedBy: userId });
    const resume = await repo.issuePlayoutCommand({ roomId, action: 'resume', issuedBy: userId });
    expect(pause).toMatchObject({ status: 'pending', action: 'pause', issuedBy: userId, jobRecordId: null });
    expect(resume.seq).toBeGreaterThan(pause.seq);

    const claimed = await repo.claimPlayoutCommands({ roomId, jobRecordId: jobA, workerId: 'stage-w1' });
    expect(claimed.map((c) => [c.seq, c.action, c.status, c.jobRecordId, c.workerId])).toEqual([
      [pause.seq, 'pause', 'applying', jobA, 'stage-w1'],
      [resume.seq, 'resume', 'applying', jobA, 'stage-w1'],
    ]);
    expect(await repo.claimPlayoutCommands({ roomId, jobRecordId: jobA })).toEqual([]);
    expect(await repo.claimPlayoutCommands({ roomId, jobRecordId: jobB })).toEqual([]);

    const applied = await repo.finishPlayoutCommand({
      seq: pause.seq,
      status: 'applied',
      playoutState: 'paused',
      positionMs: 61_234.6,
    });
    expect(applied).toMatchObject({ status: 'applied', playoutState: 'paused', positionMs: 61_235 });
    expect(applied.finishedAt).toBeInstanceOf(Date);
    await repo.finishPlayoutCommand({
      seq: resume.seq,
      status: 'refused',
      result: 'cannot resume in state playing',
      playoutState: 'playing',
    });
    // A result is written once: a second finish finds the row no longer applying.
    expect(await reasonOf(repo.finishPlayoutCommand({ seq: pause.seq, status: 'refused' }))).toBe('stale-state');

    const [latest, ...rest] = await repo.latestPlayoutCommands([roomId, otherRoomId]);
    expect(rest).toEqual([]);
    expect(latest).toMatchObject({
      seq: resume.seq,
      status: 'refused',
      result: 'cannot resume in state playing',
      issuedByName: 'Ada',
    });
  });

  it('claims only after the caller’s last seq; concurrent claimers never get the same command', async () => {
    const repo = createRoomControlsRepository(testDb.db);
    const issued = [];
    for (const action of ['skip', 'restart', 'stop', 'startNow', 'pause', 'resume'] as const) {
      issued.push(await repo.issuePlayoutCommand({ roomId, action, issuedBy: null }));
    }
    const seqs = issued.map((c) => c.seq);
    const [a, b] = await Promise.all([
      repo.claimPlayoutCommands({ roomId, jobRecordId: jobA, afterSeq: seqs[1] }),
      repo.claimPlayoutCommands({ roomId, jobRecordId: jobB, afterSeq: seqs[1] }),
    ]);
    const got = [...a, ...b].map((c) => c.seq).sort((x, y) => x - y);
    expect(got).toEqual(seqs.slice(2));
    expect(new Set(got).size).toBe(got.length);
    // The two below afterSeq are still pending and go to the next claimer.
    const late = await repo.claimPlayoutCommands({ roomId, jobRecordId: jobB });
    expect(late.map((c) => c.seq)).toEqual(seqs.slice(0, 2));
  });

  it('an overdue pending command expires instead of applying late', async () => {
    const repo = createRoomControlsRepository(testDb.db);
    const old = await repo.issuePlayoutCommand({ roomId, action: 'skip', issuedBy: userId });
    await testDb.pool.query(`UPDATE playout_commands SET issued_at = now() - interval '5 minutes' WHERE seq = $1`, [
      old.seq,
    ]);
    const fresh = await repo.issuePlayoutCommand({ roomId, action: 'pause', issuedBy: userId });
    const claimed = await repo.claimPlayoutCommands({ roomId, jobRecordId: jobA });
    expect(claimed.map((c) => c.seq)).toEqual([fresh.seq]);
    const history = await repo.listPlayoutCommands(roomId);
    expect(history.find((c) => c.seq === old.seq)).toMatchObject({
      status: 'expired',
      result: expect.stringContaining('no running playout took it'),
    });
  });

  it('a claim whose worker died (no outcome in time) is closed as expired, never re-applied', async () => {
    const repo = createRoomControlsRepository(testDb.db);
    const cmd = await repo.issuePlayoutCommand({ roomId: otherRoomId, action: 'pause', issuedBy: userId });
    const [claimed] = await repo.claimPlayoutCommands({ roomId: otherRoomId, jobRecordId: jobA, workerId: 'w-dead' });
    expect(claimed?.seq).toBe(cmd.seq);
    // Still in flight shortly after the claim: not touched.
    expect(await repo.claimPlayoutCommands({ roomId: otherRoomId, jobRecordId: jobB })).toEqual([]);
    expect((await repo.getPlayoutCommand(cmd.seq))?.status).toBe('applying');
    await testDb.pool.query(`UPDATE playout_commands SET claimed_at = now() - interval '5 minutes' WHERE seq = $1`, [
      cmd.seq,
    ]);
    expect(await repo.claimPlayoutCommands({ roomId: otherRoomId, jobRecordId: jobB })).toEqual([]);
    expect(await repo.getPlayoutCommand(cmd.seq)).toMatchObject({
      status: 'expired',
      result: expect.stringMatching(/^claimed by worker w-dead but no outcome within 30 s/),
    });
    await expect(
      repo.finishPlayoutCommand({
        seq: cmd.seq,
        status: 'applied',
        result: null,
        playoutState: 'paused',
        positionMs: 1,
      }),
    ).rejects.toThrow();
  });

  it('validates input: unknown action, bad room id, a room that does not exist', async () => {
    const repo = createRoomControlsRepository(testDb.db);
    expect(await reasonOf(repo.issuePlayoutCommand({ roomId, action: 'rewind' as never, issuedBy: null }))).toBe(
      'invalid-input',
    );
    expect(await reasonOf(repo.issuePlayoutCommand({ roomId: 'nope', action: 'pause', issuedBy: null }))).toBe(
      'invalid-input',
    );
    expect(
      await reasonOf(
        repo.issuePlayoutCommand({ roomId: '00000000-0000-4000-8000-00000000dead', action: 'pause', issuedBy: null }),
      ),
    ).toBe('invalid-reference');
    await expect(
      testDb.pool.query(`INSERT INTO playout_commands (room_id, action) VALUES ($1, 'rewind')`, [roomId]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'playout_commands_action_known' });
  });
});
