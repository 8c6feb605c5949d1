/**
 * Demo helper for scripts/demo.sh (the full show): points the demo room at the testbed meeting and the nginx origin,
 * and starts its broadcast the way the admin's live control does (job record + run-stage job).
 *
 *   node --conditions=@stagecast/source --import tsx scripts/demo-show.ts \
 *     --public-slug stagecast-demo-main-hall --meeting-url http://127.0.0.1:PORT/room \
 *     --hls-public http://127.0.0.1:8088/hls/demo/index.m3u8 --hls-ingest http://127.0.0.1:8088/hls/demo/ [--hours 12]
 *
 * Idempotent: a broadcast left over from an earlier run (queued, or running on a worker that is gone) is cancelled
 * first, so exactly one broadcast job for the room exists afterwards. Prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { createDb, createJobRecordRepository, createRoomRepository, DbError } from '@stagecast/db';
import { createJobs } from '@stagecast/jobs';
import { z } from 'zod';

const argsSchema = z.object({
  'public-slug': z.string().regex(/^[a-z0-9-]+$/, 'a room public slug such as stagecast-demo-main-hall'),
  'meeting-url': z.url({ protocol: /^https?$/ }),
  'hls-public': z.url({ protocol: /^https?$/ }),
  'hls-ingest': z.url({ protocol: /^https?$/ }),
  hours: z.coerce.number().positive().max(48).default(12),
});

function fail(message: string): never {
  process.stderr.write(`demo-show: ${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    'public-slug': { type: 'string' },
    'meeting-url': { type: 'string' },
    'hls-public': { type: 'string' },
    'hls-ingest': { type: 'string' },
    hours: { type: 'string' },
  },
});
const parsed = argsSchema.safeParse(values);
if (!parsed.success) fail(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
const args = parsed.data;
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) fail('DATABASE_URL is not set; eval "$(bash scripts/services/postgres.sh env)" first');

const handle = createDb({ connectionString: databaseUrl, max: 2, applicationName: 'stagecast-demo-show' });
const jobs = await createJobs({ connectionString: databaseUrl, schema: process.env.PGBOSS_SCHEMA ?? 'pgboss' });
try {
  const { rows } = await handle.pool.query<{ id: string }>('SELECT id FROM rooms WHERE public_slug = $1', [
    args['public-slug'],
  ]);
  const row = rows[0];
  if (!row) fail(`no room with public slug '${args['public-slug']}'; run 'npm run seed -w @stagecast/db' first`);
  const roomRepo = createRoomRepository(handle.db);
  const room = await roomRepo.getById(row.id);
  // Keep other outputs the organizer configured; replace the HLS entry with the demo origin.
  await roomRepo.update(room.id, {
    meetingUrl: args['meeting-url'],
    broadcastOutputs: [
      { kind: 'hls', publicUrl: args['hls-public'], ingestUrl: args['hls-ingest'] },
      ...room.broadcastOutputs.filter((o) => o.kind !== 'hls'),
    ],
  });

  const records = createJobRecordRepository(handle.db);
  let cancelled = 0;
  for (const job of await records.listActiveForRoom(room.id)) {
    if (job.kind !== 'run-stage' || (job.role ?? 'broadcast') !== 'broadcast') continue;
    if (job.bossJobId) await jobs.cancel('run-stage', [job.bossJobId]);
    await records.markCancelled(job.id).catch((error: unknown) => {
      if (!(error instanceof DbError && error.reason === 'stale-state')) throw error;
    });
    cancelled += 1;
  }
  const now = new Date();
  const durationSeconds = Math.round(args.hours * 3600);
  const record = await records.create({
    kind: 'run-stage',
    roomId: room.id,
    talkId: null,
    role: 'broadcast',
    scheduledFor: now,
  });
  const bossJobId = await jobs.send('run-stage', {
    jobRecordId: record.id,
    roomId: room.id,
    talkId: null,
    role: 'broadcast',
    startsAt: now.toISOString(),
    durationSeconds,
    runUntil: new Date(now.getTime() + durationSeconds * 1000).toISOString(),
  });
  if (!bossJobId) fail('the run-stage job was not enqueued (queue policy dropped it)');
  await records.attachBossJob(record.id, bossJobId);
  process.stdout.write(
    `${JSON.stringify({ roomId: room.id, slug: room.slug, jobRecordId: record.id, bossJobId, cancelledEarlier: cancelled })}\n`,
  );
} finally {
  await jobs.stop({ timeoutMs: 5_000 }).catch(() => {});
  await handle.close();
}
