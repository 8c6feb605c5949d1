/**
 * Organizer playout command latency (issue 8 controls): the admin side inserts a command (what live.playoutControl
 * does), the playout runner polls `playout_commands` (default 500 ms), claims it and calls PlayoutHandle.control; its
 * outcome is written back. Prints issue → control() and issue → outcome written (median/p95/max over N commands,
 * issued at random phases of the poll). Real Postgres and the real runner + repositories; the handle is a stand-in
 * whose control() answers at once (engine action time is not part of this channel). Asserts nothing.
 *
 * Run: node --conditions=@stagecast/source --import tsx bench/playout-command-latency.ts [--commands 20] [--poll-ms 500]
 */
import { performance } from 'node:perf_hooks';
import {
  createConferenceRepository,
  createJobRecordRepository,
  createRoomControlsRepository,
  createRoomRepository,
  createTalkRepository,
} from '@stagecast/db';
import { createTestDatabase } from '@stagecast/db/testing';
import { silentLogger } from '@stagecast/jobs';
import { createPlayoutRunner, type PlayoutSession } from '../workers/stage/src/runners/playout.runner.js';
import { createStageData } from '../workers/stage/src/runners/stage-data.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const commands = arg('commands', 20);
const pollMs = arg('poll-ms', 500);

const tdb = await createTestDatabase({ name: 'bench_playout_commands' });
try {
  const conference = await createConferenceRepository(tdb.db).create({
    slug: 'bench',
    name: 'Bench',
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
      startsAt: new Date(),
      durationSeconds: 1800,
    },
  ]);
  await tdb.pool.query(`UPDATE talks SET video_file = '/dev/null' WHERE id = $1`, [talk!.id]);
  const record = await createJobRecordRepository(tdb.db).create({
    kind: 'run-stage',
    roomId: room.id,
    role: 'playout',
  });
  const controls = createRoomControlsRepository(tdb.db);

  const controlledAt = new Map<string, number>();
  let state = 'playing';
  const handle: PlayoutSession = {
    get state() {
      return state;
    },
    participant: { participants: [], endpointId: 'bench' },
    on: () => () => {},
    status: async () => ({ state, positionMs: 0, durationMs: 1_800_000, effectiveStartMs: null }),
    control: async (action) => {
      controlledAt.set(`${action}:${controlledAt.size}`, performance.now());
      state = action === 'pause' ? 'paused' : 'playing';
      return { state, positionMs: 0, durationMs: 1_800_000, effectiveStartMs: null };
    },
    close: async () => {},
  };
  const runner = createPlayoutRunner({
    data: createStageData(tdb.db),
    start: async () => handle,
    commandPollMs: pollMs,
  });
  const controller = new AbortController();
  const run = runner.run(
    {
      jobRecordId: record.id,
      bossJobId: 'bench',
      roomId: room.id,
      talkId: talk!.id,
      role: 'playout',
      startsAtMs: talk!.startsAt.getTime(),
      durationSeconds: 1800,
      runUntilMs: Date.now() + 3600_000,
      talk: { title: 'Talk', speakers: [] },
      room: { slug: 'main', name: 'Main', meetingUrl: room.meetingUrl },
      conferenceTimeZone: 'UTC',
      attempt: 1,
    },
    { signal: controller.signal, logger: silentLogger, reportStatus: async () => {} },
  );

  const toControl: number[] = [];
  const toOutcome: number[] = [];
  for (let i = 0; i < commands; i += 1) {
    await new Promise((r) => setTimeout(r, Math.random() * pollMs));
    const before = controlledAt.size;
    const t0 = performance.now();
    const issued = await controls.issuePlayoutCommand({
      roomId: room.id,
      action: i % 2 === 0 ? 'pause' : 'resume',
      issuedBy: null,
    });
    for (;;) {
      const row = await controls.getPlayoutCommand(issued.seq);
      if (row && (row.status === 'applied' || row.status === 'refused')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const t2 = performance.now();
    const t1 = [...controlledAt.values()][before];
    if (t1 === undefined) throw new Error('control() was not called for the command');
    toControl.push(t1 - t0);
    toOutcome.push(t2 - t0);
  }
  controller.abort('stopped');
  await run;

  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
    return `median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, max ${s.at(-1)!.toFixed(0)} ms`;
  };
  console.log(`playout command latency, ${commands} commands, runner poll ${pollMs} ms (real Postgres)`);
  console.log(`  issue → PlayoutHandle.control(): ${stats(toControl)}`);
  console.log(`  issue → outcome on the row:     ${stats(toOutcome)} (the API waits for this, up to waitMs)`);
} finally {
  await tdb.drop();
}
