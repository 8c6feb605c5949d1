/**
 * Fleet test kit: spawns real stage worker processes (tsx on src/main.ts, or dist/main.js when built) against a test
 * database and pg-boss schema, seeds rooms and run-stage jobs, and waits on job_records state by polling Postgres.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { processExit } from '@stagecast/media/testing';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createConferenceRepository,
  createJobRecordRepository,
  createRoomRepository,
  type Db,
  type JobRecord,
} from '@stagecast/db';
import type { Jobs, StageRole } from '@stagecast/jobs';

const srcMain = fileURLToPath(new URL('../main.ts', import.meta.url));
const distMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker logged so far (JSON lines). */
  output(): string;
  /** The worker id from its 'ready' log line. */
  id: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnWorkerOptions {
  databaseUrl: string;
  pgbossSchema: string;
  outputDir: string;
  env?: Record<string, string>;
  /** Run the compiled worker (dist/main.js, after `npm run build`) instead of tsx on the sources; default false. */
  compiled?: boolean;
}

export function spawnStageWorker(options: SpawnWorkerOptions): WorkerProcess {
  const compiled = options.compiled ?? false;
  if (compiled && !existsSync(distMain))
    throw new Error(`${distMain} is missing; run npm run build -w @stagecast/worker-stage first`);
  const args = compiled ? [distMain] : ['--conditions=@stagecast/source', '--import', 'tsx', srcMain];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: options.databaseUrl,
      PGBOSS_SCHEMA: options.pgbossSchema,
      STAGE_OUTPUT_DIR: options.outputDir,
      LOG_LEVEL: 'info',
      STAGE_HEARTBEAT_MS: '1000',
      STAGE_POLL_SECONDS: '0.5',
      STAGE_CLOCK_VIDEO: '320x180@5',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let resolveId!: (id: string) => void;
  let rejectId!: (e: Error) => void;
  const id = new Promise<string>((res, rej) => ((resolveId = res), (rejectId = rej)));
  const onData = (d: Buffer) => {
    out += d.toString();
    const m = /"workerId":"([^"]+)","msg":"ready"/.exec(out);
    if (m) resolveId(m[1]!);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  // Resolved once the output pipes are drained too: tests assert on the last lines written before exit.
  const exited = processExit(child).then((result) => {
    rejectId(new Error(`worker exited (${result.code ?? result.signal}) before ready:\n${out.slice(-2000)}`));
    return result;
  });
  return { child, output: () => out, id, exited };
}

export async function seedRooms(
  db: Db,
  slug: string,
  roomCount: number,
): Promise<{ conferenceId: string; roomIds: string[] }> {
  const conference = await createConferenceRepository(db).create({
    slug,
    name: slug,
    timeZone: 'Europe/Berlin',
    startsOn: '2030-06-01',
    endsOn: '2030-06-02',
  });
  const rooms = createRoomRepository(db);
  const roomIds: string[] = [];
  for (let i = 0; i < roomCount; i += 1) {
    roomIds.push((await rooms.create({ conferenceId: conference.id, slug: `room-${i}`, name: `Room ${i}` })).id);
  }
  return { conferenceId: conference.id, roomIds };
}

/** Creates a job record and sends its run-stage job (what the planner does), starting now. */
export async function sendStageJob(
  db: Db,
  jobs: Jobs,
  input: { roomId: string; role: StageRole; startsInMs: number; runForMs: number },
): Promise<{ recordId: string; bossJobId: string }> {
  const startsAt = new Date(Date.now() + input.startsInMs);
  const record = await createJobRecordRepository(db).create({
    kind: 'run-stage',
    roomId: input.roomId,
    role: input.role,
  });
  const bossJobId = await jobs.send('run-stage', {
    jobRecordId: record.id,
    roomId: input.roomId,
    talkId: null,
    role: input.role,
    startsAt: startsAt.toISOString(),
    durationSeconds: 600,
    runUntil: new Date(Date.now() + input.runForMs).toISOString(),
  });
  if (!bossJobId) throw new Error('run-stage was not enqueued');
  await createJobRecordRepository(db).attachBossJob(record.id, bossJobId);
  return { recordId: record.id, bossJobId };
}

/** Polls the record until `predicate` holds; throws with the last state after `timeoutMs`. */
export async function waitForRecord(
  db: Db,
  recordId: string,
  predicate: (r: JobRecord) => boolean,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<JobRecord> {
  const repo = createJobRecordRepository(db);
  const deadline = Date.now() + timeoutMs;
  let last: JobRecord | undefined;
  while (Date.now() < deadline) {
    last = await repo.getById(recordId);
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `job record ${recordId}: ${what} not reached within ${timeoutMs} ms (last: status=${last?.status} worker=${last?.workerId} error=${last?.lastError})`,
  );
}

/** Sends `signal` and waits for exit (bounded). */
export async function stopProcess(w: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 40_000) {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return w.exited;
  w.child.kill(signal);
  const timer = setTimeout(() => w.child.kill('SIGKILL'), timeoutMs);
  try {
    return await w.exited;
  } finally {
    clearTimeout(timer);
  }
}
