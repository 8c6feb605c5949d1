import { createFleetRepository, createJobRecordRepository } from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../auth/password.js';
import { createHttpHarness } from '../../testing/http-harness.js';
import type { PlayoutCommandOutput, StatusOutput } from './live.schema.js';

/**
 * live.playoutControl and the layout through the API on real Postgres. No stage worker runs here: the status row a
 * playout worker writes is set directly, and where a worker's answer is needed the test claims and finishes the
 * command through the same repository calls the playout runner uses (workers/stage playout.runner.ts via stage-data).
 */
describe('live control on Postgres', () => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHttpHarness>;
  let bearer: Record<string, string>;
  let otherBearer: Record<string, string>;
  let conferenceId: string;
  let roomId: string;
  let userId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ name: 'web_live' });
    harness = createHttpHarness({ database });
    const { deps } = harness;
    const user = await deps.userRepo.create({
      email: 'org@example.org',
      name: 'Grace Organizer',
      passwordHash: await hashPassword('organizer password 1'),
    });
    userId = user.id;
    const other = await deps.userRepo.create({
      email: 'other@example.org',
      name: 'Other',
      passwordHash: await hashPassword('organizer password 2'),
    });
    conferenceId = (
      await deps.conferenceWrites.create({
        slug: 'live',
        name: 'Live',
        timeZone: 'UTC',
        startsOn: '2030-06-01',
        endsOn: '2030-06-02',
      })
    ).id;
    const otherConference = await deps.conferenceWrites.create({
      slug: 'other',
      name: 'Other',
      timeZone: 'UTC',
      startsOn: '2030-06-01',
      endsOn: '2030-06-02',
    });
    await deps.userRepo.addMembership(user.id, conferenceId);
    await deps.userRepo.addMembership(other.id, otherConference.id);
    roomId = (await deps.roomRepo.create({ conferenceId, slug: 'main', name: 'Main' })).id;
    bearer = { authorization: `Bearer ${(await deps.authService.createApiToken(user.id, 'live', null)).token}` };
    otherBearer = {
      authorization: `Bearer ${(await deps.authService.createApiToken(other.id, 'other', null)).token}`,
    };
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await database.pool.query('DELETE FROM stage_status');
    await database.pool.query('DELETE FROM playout_commands');
  });

  const fleet = () => createFleetRepository(database.db);
  const control = (action: string, headers = bearer, waitMs = 0) =>
    harness.call('live.playoutControl', 'mutation', { roomId, action, waitMs }, headers);
  const status = async () => {
    const result = await harness.call('live.status', 'query', { conferenceId }, bearer);
    expect(result.status).toBe(200);
    return (result.data as StatusOutput).rooms.find((r) => r.id === roomId)!;
  };
  const playoutRunning = (stats: Record<string, unknown> = {}) =>
    fleet().setStageStatus({ roomId, role: 'playout', state: 'running', workerId: 'stage-test', stats });

  it('refuses a room without a running playout with a clear CONFLICT, and records nothing', async () => {
    const none = await control('pause');
    expect(none.status).toBe(409);
    expect(none.code).toBe('CONFLICT');
    expect(none.text).toContain('no playout is running in this room');

    await fleet().setStageStatus({ roomId, role: 'playout', state: 'starting' });
    const starting = await control('startNow');
    expect(starting.status).toBe(409);
    expect(starting.text).toContain('has not joined the room yet');

    await fleet().setStageStatus({ roomId, role: 'playout', state: 'stopped' });
    expect((await control('skip')).status).toBe(409);

    await playoutRunning();
    await database.pool.query(`UPDATE stage_status SET updated_at = now() - interval '2 minutes'`);
    const silent = await control('pause');
    expect(silent.status).toBe(409);
    expect(silent.text).toMatch(/has not reported for \d+ s/);

    expect((await database.pool.query('SELECT count(*)::int AS n FROM playout_commands')).rows[0]).toEqual({ n: 0 });
    expect((await status()).playoutCommand).toBeNull();
  });

  it('records the command with who issued it; the live status shows it pending until the worker answers', async () => {
    await playoutRunning({ playout: 'playing', positionMs: 61_000, talk: 'Talk' });
    const issued = await control('pause');
    expect(issued.status).toBe(200);
    const command = issued.data as PlayoutCommandOutput;
    expect(command).toMatchObject({ action: 'pause', status: 'pending', issuedByName: 'Grace Organizer' });
    const { rows } = await database.pool.query('SELECT issued_by, action, status FROM playout_commands');
    expect(rows).toEqual([{ issued_by: userId, action: 'pause', status: 'pending' }]);
    expect(harness.logText.join('')).toContain('playout command issued');

    const room = await status();
    expect(room.playoutCommand).toMatchObject({ seq: command.seq, action: 'pause', status: 'pending' });
    expect(room.roles.find((r) => r.role === 'playout')?.stats).toMatchObject({ playout: 'playing' });

    // The worker's side, through the repository calls the playout runner makes.
    const record = await createJobRecordRepository(database.db).create({ kind: 'run-stage', roomId, role: 'playout' });
    const claimed = await harness.deps.roomControls.claimPlayoutCommands({ roomId, jobRecordId: record.id });
    expect(claimed.map((c) => c.seq)).toEqual([command.seq]);
    await harness.deps.roomControls.finishPlayoutCommand({
      seq: command.seq,
      status: 'applied',
      playoutState: 'paused',
      positionMs: 61_500,
    });
    expect((await status()).playoutCommand).toMatchObject({
      status: 'applied',
      playoutState: 'paused',
      positionMs: 61_500,
      issuedByName: 'Grace Organizer',
    });
  });

  it('waits for the outcome when asked: a refusal comes back with the engine reason', async () => {
    await playoutRunning({ playout: 'playing' });
    const record = await createJobRecordRepository(database.db).create({ kind: 'run-stage', roomId, role: 'playout' });
    // A worker stand-in that answers the first command it sees (the runner polls every 0.5 s).
    const worker = (async () => {
      for (let i = 0; i < 100; i += 1) {
        const [cmd] = await harness.deps.roomControls.claimPlayoutCommands({ roomId, jobRecordId: record.id });
        if (cmd) {
          await harness.deps.roomControls.finishPlayoutCommand({
            seq: cmd.seq,
            status: 'refused',
            result: 'cannot resume in state playing',
            playoutState: 'playing',
          });
          return cmd.seq;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return null;
    })();
    const answered = await control('resume', bearer, 8_000);
    expect(answered.status).toBe(200);
    const seq = await worker;
    expect(answered.data).toMatchObject({
      seq,
      action: 'resume',
      status: 'refused',
      result: 'cannot resume in state playing',
      playoutState: 'playing',
    });
  });

  it('checks input and access: unknown action, another conference’s organizer', async () => {
    await playoutRunning();
    const bad = await control('rewind');
    expect(bad.status).toBe(400);
    expect(bad.code).toBe('BAD_REQUEST');
    const foreign = await control('pause', otherBearer);
    expect(foreign.status).toBe(403);
    expect((await database.pool.query('SELECT count(*)::int AS n FROM playout_commands')).rows[0]).toEqual({ n: 0 });
  });

  it("layout: 'auto' is the default for a room without a choice and can be chosen again", async () => {
    expect((await status()).layout).toBe('auto');
    const grid = await harness.call('live.setLayout', 'mutation', { roomId, layout: 'grid' }, bearer);
    expect(grid.data).toEqual({ layout: 'grid' });
    expect((await status()).layout).toBe('grid');
    const auto = await harness.call('live.setLayout', 'mutation', { roomId, layout: 'auto' }, bearer);
    expect(auto.data).toEqual({ layout: 'auto' });
    expect((await status()).layout).toBe('auto');
  });
});
